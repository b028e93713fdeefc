// The dashboard panel (webview-sample's pattern: one panel, createOrShow, a disposables list): the
// webview bundle from dist/webview only, a content security policy with a fresh nonce, no retained
// context (the webview restores from its own state and a fresh snapshot), a serializer so it comes
// back after a reload. Closing it stops nothing: training goes on, the feed just stops posting.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { RUNGS } from '../ladder/rungs';
import {
  asWebviewMessage,
  type HostMessage,
  type WebviewMessage,
} from '../shared/dashboard-protocol';
import { dashboardHtml } from '../../webview/html';
import type { DashboardFeed } from './dashboard-feed';
import { highestReportRung, readReports } from './lib/dash-data';
import { detailOf, readWorkspace, reportsIn, runDirIn } from './lib/dash-snapshot';
import type { Services } from './services';

export const DASHBOARD_VIEW = 'blocksmith.dashboard';
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What the in-host tests read back: the messages posted to the open panel, summarised. */
export interface DashboardProbe {
  readonly open: boolean;
  readonly snapshots: number;
  /** Curve keys and point counts of the last snapshot, plus the points appended since. */
  readonly curves: Readonly<Record<string, number>>;
  readonly training: string | null;
}

export class Dashboard implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubs: vscode.Disposable[] = [];
  private focusOnReady: string | undefined;
  private probe: { snapshots: number; curves: Record<string, number>; training: string | null } = {
    snapshots: 0,
    curves: {},
    training: null,
  };

  constructor(
    private readonly s: Services,
    private readonly feed: DashboardFeed,
  ) {}

  /** Opens (or reveals) the panel; `focus` selects a design once the webview is ready. */
  show(focus?: string): void {
    if (this.panel !== undefined) {
      this.panel.reveal(this.panel.viewColumn);
      if (focus !== undefined) {
        this.post({ type: 'focus', id: focus });
      }
      return;
    }
    this.focusOnReady = focus;
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW,
      'Blocksmith Dashboard',
      vscode.ViewColumn.Active,
      this.options(),
    );
    this.attach(panel);
  }

  /** The serializer's revive: the same panel set-up on a panel VS Code restored. */
  revive(panel: vscode.WebviewPanel): void {
    if (this.panel !== undefined) {
      panel.dispose(); // one dashboard: the restored duplicate goes
      return;
    }
    panel.webview.options = this.options();
    this.attach(panel);
  }

  serializer(): vscode.WebviewPanelSerializer {
    return {
      deserializeWebviewPanel: (panel) => {
        this.revive(panel);
        return Promise.resolve();
      },
    };
  }

  state(): DashboardProbe {
    return { open: this.panel !== undefined, ...this.probe, curves: { ...this.probe.curves } };
  }

  private root(): vscode.Uri {
    return vscode.Uri.joinPath(this.s.context.extensionUri, 'dist', 'webview');
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    // only the webview bundle: nothing from the workspace (block code, reports) loads as a resource
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [this.root()],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.s.context.extensionUri, 'media', 'blocksmith.svg');
    panel.webview.html = this.html(panel.webview);
    this.panelSubs = [
      panel.webview.onDidReceiveMessage((m: unknown) => {
        void this.receive(m);
      }),
      panel.onDidDispose(() => {
        this.detach();
      }),
    ];
    this.feed.connect((m) => {
      this.post(m);
    });
  }

  private detach(): void {
    this.feed.connect(undefined);
    this.panelSubs.forEach((d) => {
      d.dispose();
    });
    this.panelSubs = [];
    this.panel = undefined;
  }

  private html(webview: vscode.Webview): string {
    const uri = (f: string): string =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.root(), f)).toString();
    if (!existsSync(join(this.root().fsPath, 'dashboard.js'))) {
      this.s.log.appendLine(
        `dashboard: ${join(this.root().fsPath, 'dashboard.js')} is missing: run npm run build`,
      );
    }
    return dashboardHtml({
      scriptUri: uri('dashboard.js'),
      styleUris: [uri('dashboard.css')],
      cspSource: webview.cspSource,
      // a fresh nonce per render: only the script that carries it may run
      nonce: randomBytes(16).toString('base64'),
      codiconUri: uri('codicon.css'),
    });
  }

  post(m: HostMessage): void {
    this.note(m);
    void this.panel?.webview.postMessage(m);
  }

  private note(m: HostMessage): void {
    if (m.type === 'snapshot') {
      this.probe.snapshots += 1;
      this.probe.curves = Object.fromEntries(m.curves.map((c) => [c.key, c.tokens.length]));
      this.probe.training = m.training?.design ?? null;
    } else if (m.type === 'curve-append') {
      this.probe.curves[m.key] = (this.probe.curves[m.key] ?? 0) + m.tokens.length;
    } else if (m.type === 'training') {
      this.probe.training = m.status?.design ?? null;
    }
  }

  private async receive(raw: unknown): Promise<void> {
    const m = asWebviewMessage(raw);
    if (m === undefined) {
      this.s.log.appendLine(
        `dashboard: ignored a malformed message from the webview: ${typeof raw === 'object' ? 'an object without a known type' : typeof raw}`,
      );
      return;
    }
    if ('id' in m && !ID.test(m.id)) {
      this.post({
        type: 'notice',
        level: 'error',
        text: `not a design id: '${m.id.slice(0, 64)}'`,
      });
      return;
    }
    try {
      await this.handle(m);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.s.log.appendLine(`dashboard: ${m.type} failed: ${text}`);
      this.post({ type: 'notice', level: 'error', text: `${m.type} failed: ${text}` });
    }
  }

  private async handle(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.feed.postSnapshot();
        if (this.focusOnReady !== undefined) {
          this.post({ type: 'focus', id: this.focusOnReady });
          this.focusOnReady = undefined;
        }
        return;
      case 'select':
        return this.detail(m.id);
      case 'open-block':
        await vscode.window.showTextDocument(
          vscode.Uri.file(join(this.s.store.requireRoot(), 'designs', m.id, 'block.ts')),
        );
        return;
      case 'open-diff':
        await vscode.commands.executeCommand('blocksmith.openDiffToParent', m.id);
        return;
      case 'open-report':
        await openReport(this.s, m.id, m.rung);
        return;
      case 'train':
        await vscode.commands.executeCommand('blocksmith.train', m.id);
        return;
      case 'stop-training':
        await vscode.commands.executeCommand('blocksmith.stopTraining');
        return;
    }
  }

  private async detail(id: string): Promise<void> {
    const root = this.s.store.requireRoot();
    const { designs } = await readWorkspace(root);
    const detail = detailOf(root, designs, id);
    this.post(
      detail !== undefined
        ? { type: 'detail', detail }
        : {
            type: 'notice',
            level: 'warning',
            text: `design '${id}' is not in the store (removed?)`,
          },
    );
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
  }
}

/** Opens report.json of `id` at `rung`, or at the highest rung with one; says so when none. */
export async function openReport(s: Services, id: string, rung?: string): Promise<void> {
  const root = s.store.requireRoot();
  const at =
    rung !== undefined && RUNGS.some((r) => r.name === rung)
      ? rung
      : highestReportRung(readReports([{ id }], reportsIn(root)).get(id));
  const file = at !== undefined ? join(runDirIn(root, id, at), 'report.json') : undefined;
  if (file === undefined || !existsSync(file)) {
    void vscode.window.showInformationMessage(
      `Blocksmith: ${id} has no training report${rung !== undefined ? ` at ${rung}` : ''} yet: Train on Ladder writes one when a run ends.`,
    );
    return;
  }
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
}
