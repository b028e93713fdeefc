// Training, evolution and the dashboard from VS Code: the commands (Train on Ladder, Stop Training,
// Evolve, Pause, Resume, Open Dashboard, Show in Dashboard, Open Training Report, Show Log), the
// status bar item and the dashboard's serializer, all behind registerTraining(s). In an untrusted
// workspace nothing here runs code: Train and Evolve say why and offer Manage Workspace Trust.
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { RUNGS } from '../ladder/rungs';
import { Dashboard, DASHBOARD_VIEW, openReport } from './dashboard';
import { DashboardFeed } from './dashboard-feed';
import { Evolution } from './evolution';
import { defaultRung } from './lib/dash-settings';
import { safeCommand } from './safe';
import type { Services } from './services';
import { TrainingStatusBar } from './status-bar';
import { config, SingleRun, type EndStatus } from './training-run';

/** How long deactivation waits for the trainer's checkpoint before SIGKILL. */
const STOP_BOUND_MS = 10_000;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

let live: { single: SingleRun; evolution: Evolution } | undefined;

/** Registers the commands, the status bar item and the dashboard serializer. */
export function registerTraining(s: Services): vscode.Disposable[] {
  const bar = new TrainingStatusBar(s);
  const single = new SingleRun(s);
  const evolution = new Evolution(s, bar);
  const feed = new DashboardFeed(s, bar);
  const dashboard = new Dashboard(s, feed);
  live = { single, evolution };
  const cmd = (
    id: string,
    name: string,
    fn: (...args: unknown[]) => Promise<unknown>,
  ): vscode.Disposable => safeCommand(s.log, id, name, fn);
  return [
    vscode.Disposable.from(bar, feed, dashboard, evolution),
    cmd('blocksmith.train', 'Train on Ladder', (arg, opts) =>
      train(s, single, evolution, arg, opts),
    ),
    cmd('blocksmith.stopTraining', 'Stop Training', () => stopTraining(single, evolution)),
    cmd('blocksmith.evolve', 'Evolve', () => startEvolution(s, single, evolution)),
    cmd('blocksmith.resumeEvolution', 'Resume Evolution', () =>
      startEvolution(s, single, evolution),
    ),
    cmd('blocksmith.pauseEvolution', 'Pause Evolution', () => evolution.pause()),
    cmd('blocksmith.openDashboard', 'Open Dashboard', () => {
      dashboard.show();
      return Promise.resolve();
    }),
    cmd('blocksmith.showInDashboard', 'Show in Dashboard', (arg) => {
      dashboard.show(designOf(arg));
      return Promise.resolve();
    }),
    cmd('blocksmith.openReport', 'Open Training Report', (arg, rung) =>
      reportCommand(s, arg, rung),
    ),
    cmd('blocksmith.showLog', 'Show Log', () => {
      s.log.show(true);
      return Promise.resolve();
    }),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW, dashboard.serializer()),
    new vscode.Disposable(() => (live = undefined)),
    // only under the in-host tests (not a contributed command): what the panel was sent
    ...(s.context.extensionMode === vscode.ExtensionMode.Test
      ? [vscode.commands.registerCommand('blocksmith.dashboardProbe', () => dashboard.state())]
      : []),
  ];
}

/** Stops the evolution loop and the trainer (SIGTERM: they checkpoint), waits for them, bounded. */
export async function deactivateTraining(): Promise<void> {
  const l = live;
  if (l === undefined) {
    return;
  }
  await Promise.all([l.evolution.stopAndWait(STOP_BOUND_MS), l.single.stopAndWait(STOP_BOUND_MS)]);
}

/** False (with the reason and a Manage Workspace Trust action) in an untrusted workspace. */
function trusted(what: string): boolean {
  if (vscode.workspace.isTrusted) {
    return true;
  }
  void vscode.window
    .showWarningMessage(
      `Blocksmith: ${what} runs block code, and this workspace is not trusted. Trust it to train and evolve here.`,
      'Manage Workspace Trust',
    )
    .then((pick) => {
      if (pick === 'Manage Workspace Trust') {
        void vscode.commands.executeCommand('workbench.trust.manage');
      }
    });
  return false;
}

/** The design an argument names: an id, a block's Uri, a tree item ({id}, {design}, {resourceUri}). */
export function designOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    return ID.test(arg) ? arg : undefined;
  }
  if (arg instanceof vscode.Uri) {
    return designOfPath(arg.fsPath);
  }
  if (typeof arg !== 'object' || arg === null) {
    return undefined;
  }
  const o = arg as { id?: unknown; design?: unknown; record?: unknown; resourceUri?: unknown };
  const id = [
    o.id,
    (o.design as { id?: unknown } | undefined)?.id,
    o.design,
    (o.record as { id?: unknown } | undefined)?.id,
  ].find((x): x is string => typeof x === 'string' && ID.test(x));
  return (
    id ?? (o.resourceUri instanceof vscode.Uri ? designOfPath(o.resourceUri.fsPath) : undefined)
  );
}

/** designs/<id>/block.ts -> id. */
function designOfPath(p: string): string | undefined {
  const dir = dirname(p);
  return basename(p) === 'block.ts' &&
    basename(dirname(dir)) === 'designs' &&
    ID.test(basename(dir))
    ? basename(dir)
    : undefined;
}

async function pickDesign(s: Services): Promise<string | undefined> {
  const skip = new Set(['rejected', 'invalid', 'pending-review', 'proposed']);
  const designs = (await s.store.list()).filter((d) => !skip.has(d.status));
  if (designs.length === 0) {
    throw new Error('no design to train here: run "Blocksmith: New Discovery Workspace" first');
  }
  const pick = await vscode.window.showQuickPick(
    designs.map((d) => ({
      label: d.id,
      description: `${d.operator} · ${d.status}`,
      detail: d.summary?.split('\n')[0],
    })),
    { title: 'Train on Ladder: which design?', placeHolder: 'a design of this workspace' },
  );
  return pick?.label;
}

async function pickRung(): Promise<string | undefined> {
  const first = defaultRung(config);
  const items = [...RUNGS]
    .sort((a, b) => (a.name === first ? -1 : b.name === first ? 1 : 0))
    .map((r) => ({
      label: r.name,
      description: `D ${r.d}, ${r.nBlocks} blocks, context ${r.context}`,
      detail:
        r.kind === 'laptop'
          ? 'laptop rung: minutes on a CPU'
          : 'paper rung: needs a GPU (backend tensorflow-gpu); days on a CPU',
    }));
  const pick = await vscode.window.showQuickPick(items, { title: 'Train on Ladder: which rung?' });
  return pick?.label;
}

function rungOpt(opts: unknown): string | undefined {
  const r =
    typeof opts === 'object' && opts !== null && !Array.isArray(opts)
      ? (opts as { rung?: unknown }).rung
      : undefined;
  return typeof r === 'string' && RUNGS.some((x) => x.name === r) ? r : undefined;
}

async function train(
  s: Services,
  single: SingleRun,
  evolution: Evolution,
  arg: unknown,
  opts: unknown,
): Promise<EndStatus | undefined> {
  if (!trusted('Train on Ladder')) {
    return undefined;
  }
  if (evolution.running) {
    const pick = await vscode.window.showWarningMessage(
      'Blocksmith: Evolve is running and trains designs itself. Pause it first, then train.',
      'Pause Evolution',
    );
    if (pick === 'Pause Evolution') {
      await evolution.pause();
    }
    return undefined;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const id =
    designOf(arg) ??
    (active !== undefined ? designOfPath(active.fsPath) : undefined) ??
    (await pickDesign(s));
  const rung = id === undefined ? undefined : (rungOpt(opts) ?? (await pickRung()));
  if (id === undefined || rung === undefined) {
    return undefined;
  }
  const cur = single.current();
  if (cur !== undefined) {
    const go = await vscode.window.showWarningMessage(
      `Blocksmith: ${cur.design} is training at ${cur.rung}. Stop it (it saves a checkpoint) and train ${id} at ${rung}?`,
      { modal: true },
      'Stop and Train',
    );
    if (go !== 'Stop and Train') {
      return undefined;
    }
    await single.stopAndWait(STOP_BOUND_MS);
  }
  return single.train(id, rung);
}

async function stopTraining(single: SingleRun, evolution: Evolution): Promise<void> {
  const cur = single.current();
  if (cur !== undefined && single.stop()) {
    void vscode.window.showInformationMessage(
      `Blocksmith: stopping ${cur.design} at ${cur.rung}: it saves a checkpoint; Train on Ladder again resumes from it.`,
    );
    return;
  }
  if (evolution.running) {
    await evolution.pause();
    return;
  }
  void vscode.window.showInformationMessage('Blocksmith: nothing is training.');
}

async function startEvolution(s: Services, single: SingleRun, evolution: Evolution): Promise<void> {
  if (!trusted('Evolve')) {
    return;
  }
  const cur = single.current();
  if (cur !== undefined) {
    void vscode.window.showWarningMessage(
      `Blocksmith: ${cur.design} is training at ${cur.rung}. Stop Training first (it saves a checkpoint), then Evolve.`,
    );
    return;
  }
  s.store.requireRoot();
  await evolution.start();
}

async function reportCommand(s: Services, arg: unknown, rung: unknown): Promise<void> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const id = designOf(arg) ?? (active !== undefined ? designOfPath(active.fsPath) : undefined);
  if (id === undefined) {
    throw new Error(
      'pick a design in the Evolution Tree (its context menu has Open Training Report)',
    );
  }
  await openReport(s, id, typeof rung === 'string' ? rung : undefined);
}
