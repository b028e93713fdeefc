// What the dashboard is sent, live: the snapshot, new curve points from every run folder's
// metrics.jsonl (watched on disk, so runs started from the CLI show too; read from the last byte
// offset), design changes from the store, and the training status. Posts are coalesced: at most
// about ten a second however fast the trainer writes.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { HostMessage } from '../shared/dashboard-protocol';
import { CurveBook, mergeAppends } from './lib/dash-curves';
import { spendingOf } from './lib/dash-data';
import { llmCaps } from './lib/dash-settings';
import { buildSnapshot, designsMessage, readWorkspace } from './lib/dash-snapshot';
import type { Services } from './services';
import type { TrainingStatusBar } from './status-bar';
import { config } from './training-run';

/** Coalescing windows: curve points, design lists (a loop writes the store in bursts). */
const CURVE_MS = 100;
const DESIGNS_MS = 300;

export class DashboardFeed implements vscode.Disposable {
  private book: CurveBook | undefined;
  private readonly pending = new Set<string>();
  private curveTimer: ReturnType<typeof setTimeout> | undefined;
  private designsTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subs: vscode.Disposable[] = [];
  /** Posts while a panel is open; undefined while none is. */
  private sink: ((m: HostMessage) => void) | undefined;

  constructor(
    private readonly s: Services,
    private readonly bar: TrainingStatusBar,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(
      '**/.blocksmith/runs/*/*/metrics.jsonl',
    );
    const onFile = (uri: vscode.Uri): void => {
      this.schedule(uri.fsPath);
    };
    this.subs.push(
      watcher,
      watcher.onDidCreate(onFile),
      watcher.onDidChange(onFile),
      s.training.event((e) => {
        this.schedule(join(e.runDir, 'metrics.jsonl'));
        if (e.kind === 'end') {
          this.scheduleDesigns();
        }
      }),
      s.store.onDidChange(() => {
        this.scheduleDesigns();
      }),
      bar.onDidChange((status) => {
        this.sink?.({ type: 'training', status });
      }),
    );
  }

  /** Where posts go (a panel's webview), or undefined when the panel closed. */
  connect(sink: ((m: HostMessage) => void) | undefined): void {
    this.sink = sink;
  }

  /** The curves of the current workspace root (a new book when the root changed). */
  private curves(): CurveBook | undefined {
    const root = this.s.store.root();
    if (root === undefined) {
      return undefined;
    }
    if (this.book?.root !== root) {
      this.book = new CurveBook(root);
    }
    return this.book;
  }

  /** The whole state, read fresh from disk. */
  async snapshot(): Promise<HostMessage> {
    const book = this.curves();
    if (book === undefined) {
      return {
        type: 'snapshot',
        workspace: '',
        designs: [],
        leaderboards: [],
        curves: [],
        spending: { tokens: 0, usd: 0, byDesign: {} },
        training: this.bar.current(),
      };
    }
    book.pollAll();
    this.pending.clear();
    const ws = await readWorkspace(book.root);
    return buildSnapshot({
      root: book.root,
      designs: ws.designs,
      loop: ws.loop,
      caps: llmCaps(config),
      curves: book,
      training: this.bar.current(),
    });
  }

  private schedule(file: string): void {
    if (this.sink === undefined) {
      return; // no panel: the next snapshot reads the rest from the last offset
    }
    this.pending.add(file);
    this.curveTimer ??= setTimeout(() => {
      this.curveTimer = undefined;
      this.flushCurves();
    }, CURVE_MS);
  }

  private flushCurves(): void {
    const book = this.curves();
    const files = [...this.pending];
    this.pending.clear();
    if (book === undefined || this.sink === undefined) {
      return;
    }
    const ups = files.filter((f) => f.startsWith(book.root)).map((f) => book.poll(f));
    if (ups.some((u) => u.resnapshot)) {
      void this.postSnapshot();
      return;
    }
    for (const a of mergeAppends(ups.flatMap((u) => u.appends))) {
      this.sink(a);
    }
  }

  async postSnapshot(): Promise<void> {
    const snap = await this.snapshot();
    this.sink?.(snap);
  }

  private scheduleDesigns(): void {
    if (this.sink === undefined) {
      return;
    }
    this.designsTimer ??= setTimeout(() => {
      this.designsTimer = undefined;
      void this.postDesigns();
    }, DESIGNS_MS);
  }

  private async postDesigns(): Promise<void> {
    const root = this.s.store.root();
    if (root === undefined || this.sink === undefined) {
      return;
    }
    try {
      const ws = await readWorkspace(root);
      const { designs, leaderboards } = designsMessage(root, ws.designs);
      this.sink({ type: 'designs', designs, leaderboards });
      this.sink({ type: 'spending', spending: spendingOf(ws.designs, ws.loop, llmCaps(config)) });
    } catch (err) {
      this.sink({
        type: 'notice',
        level: 'warning',
        text: `could not read the designs: ${(err as Error).message}`,
      });
    }
  }

  dispose(): void {
    clearTimeout(this.curveTimer);
    clearTimeout(this.designsTimer);
    this.subs.forEach((d) => {
      d.dispose();
    });
  }
}
