// One training run started from the palette (Train on Ladder): the trainer child on the design's
// run folder in the store, its status written through the store (taken and released per write,
// so the CLI can read and write between), progress to a cancellable notification, the log and
// s.training. One run at a time; Stop is SIGTERM (the trainer checkpoints, training again resumes).
import { join } from 'node:path';
import * as vscode from 'vscode';
import { collectResults } from '../evolve/loop';
import { fitnessTable } from '../evolve/selection';
import { gptSpeedFor } from '../ladder/speed';
import { RUNGS, resolveRung } from '../ladder/rungs';
import type { DesignStatus } from '../store';
import type { TrainJob, TrainerMessage } from '../train/protocol';
import { codeHash } from '../train/report';
import { spawnTrainer, type TrainOutcome, type TrainerHandle } from '../train/spawn';
import { stepsFor, trainSettings, type Getter } from './lib/dash-settings';
import { duration, logLine, rate } from './lib/dash-status';
import type { Services } from './services';

/** completed | stopped | diverged | failed */
export type EndStatus = 'completed' | 'stopped' | 'diverged' | 'failed';

interface Active {
  readonly design: string;
  readonly rung: string;
  readonly runDir: string;
  readonly handle: TrainerHandle;
  readonly ended: Promise<EndStatus>;
}

export const config: Getter = <T>(key: string, fallback: T): T =>
  vscode.workspace.getConfiguration('blocksmith').get<T>(key, fallback);

const RUNG_NAMES = RUNGS.map((r) => r.name);

export class SingleRun {
  private active: Active | undefined;

  constructor(private readonly s: Services) {}

  current(): { design: string; rung: string; runDir: string } | undefined {
    return this.active;
  }

  /** SIGTERM: the trainer checkpoints after its step and ends 'stopped'. False when none runs. */
  stop(): boolean {
    this.active?.handle.stop();
    return this.active !== undefined;
  }

  /** Stops the run and waits for its end; SIGKILL after `boundMs`. */
  async stopAndWait(boundMs: number): Promise<void> {
    const a = this.active;
    if (a === undefined) {
      return;
    }
    a.handle.stop();
    const timer = setTimeout(() => {
      a.handle.kill();
    }, boundMs);
    try {
      await a.ended;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Trains `id` at `rung` under a progress notification; resolves with how the run ended. */
  async train(id: string, rung: string): Promise<EndStatus> {
    const settings = trainSettings(config);
    const prep = await this.s.store.withStore(async (st) => {
      const rec = st.get(id);
      if (rec === undefined) {
        throw new Error(`no design '${id}' in the store at ${st.root}: pick one from the list`);
      }
      const source = st.source(id);
      await st.update(id, { status: 'training' });
      return {
        source,
        prev: rec.status,
        dir: st.dir(id),
        runDir: st.runDir(id, rung),
        root: st.root,
      };
    });
    const gptSpeed = gptSpeedFor(prep.root, resolveRung(rung), codeHash(prep.source));
    const job: TrainJob = {
      blockPath: join(prep.dir, 'block.ts'),
      source: prep.source,
      design: id,
      rung,
      backend: settings.backend,
      seed: settings.seed,
      runDir: prep.runDir,
      dataPaths: [],
      steps: stepsFor(rung, settings),
      probes: settings.probes,
      ...(settings.workers !== undefined ? { workers: settings.workers } : {}),
      ...(gptSpeed ? { gptSpeed } : {}),
    };
    return this.run(job, prep.prev);
  }

  private async run(job: TrainJob, prev: DesignStatus): Promise<EndStatus> {
    const { design, rung, runDir } = {
      design: job.design ?? '',
      rung: job.rung,
      runDir: job.runDir,
    };
    const listeners = new Set<(m: TrainerMessage) => void>();
    let handle: TrainerHandle;
    try {
      handle = spawnTrainer(job, (m) => {
        this.message(design, rung, runDir, m);
        listeners.forEach((f) => {
          f(m);
        });
      });
    } catch (err) {
      await this.setStatus(design, prev === 'training' ? 'verified' : prev);
      throw err;
    }
    let resolveEnded: (s: EndStatus) => void = () => undefined;
    const ended = new Promise<EndStatus>((r) => (resolveEnded = r));
    this.active = { design, rung, runDir, handle, ended };
    void vscode.commands.executeCommand('setContext', 'blocksmith.training', true);
    this.s.training.fire({ kind: 'start', design, rung, runDir });
    this.s.log.appendLine(
      `${design}@${rung}: training in ${runDir} (${job.steps ?? '?'} steps, backend ${job.backend})`,
    );
    try {
      const out = await this.withProgress(design, rung, handle, listeners);
      const status = await this.finish(design, rung, runDir, prev, out);
      resolveEnded(status);
      return status;
    } catch (err) {
      resolveEnded('failed');
      throw err;
    } finally {
      this.active = undefined;
      void vscode.commands.executeCommand('setContext', 'blocksmith.training', false);
    }
  }

  private message(design: string, rung: string, runDir: string, m: TrainerMessage): void {
    this.s.training.fire({ kind: 'message', design, rung, runDir, message: m });
    const line = logLine(design, rung, m);
    if (line !== undefined) {
      this.s.log.appendLine(line);
    }
  }

  /** A cancellable notification for the run's life; cancel = Stop. */
  private withProgress(
    design: string,
    rung: string,
    handle: TrainerHandle,
    listeners: Set<(m: TrainerMessage) => void>,
  ): Thenable<TrainOutcome> {
    const title = `Blocksmith: training ${design} at ${rung}`;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => {
          handle.stop();
        });
        let done = 0;
        let last = 0;
        listeners.add((m) => {
          if (m.type !== 'progress' || m.totalSteps <= 0) {
            return;
          }
          const now = Date.now();
          const pct = (100 * m.step) / m.totalSteps;
          if (now - last < 250 && m.step < m.totalSteps) {
            return;
          }
          last = now;
          progress.report({
            increment: Math.max(0, pct - done),
            message: `step ${m.step}/${m.totalSteps}, loss ${m.loss.toFixed(3)}, ${rate(m.tokensPerSec)} tok/s, ETA ${duration(m.etaMs)}`,
          });
          done = Math.max(done, pct);
        });
        return handle.outcome;
      },
    );
  }

  private async setStatus(id: string, status: DesignStatus): Promise<void> {
    await this.s.store.withStore(async (st) => {
      if (st.get(id) !== undefined) {
        await st.update(id, { status });
      }
    });
  }

  /** Writes the design's status and fitness, tells s.training and the user how it ended. */
  private async finish(
    design: string,
    rung: string,
    runDir: string,
    prev: DesignStatus,
    out: TrainOutcome,
  ): Promise<EndStatus> {
    const status: EndStatus = out.done?.status ?? 'failed';
    const why =
      out.error?.message.split('\n')[0] ??
      (out.done === undefined
        ? `the trainer exited (${out.signal ?? String(out.exitCode)}) without a result: ${out.stderrTail.trim().slice(-300) || 'no output'}`
        : undefined);
    await this.s.store.withStore(async (st) => {
      if (st.get(design) === undefined) {
        return;
      }
      if (status === 'completed') {
        const fit = fitnessTable(st.list(), collectResults(st, RUNG_NAMES), {
          rungs: RUNG_NAMES,
        }).get(design);
        await st.update(design, {
          status: 'trained',
          ...(fit ? { fitness: { ...fit.byRung } as Record<string, number> } : {}),
        });
      } else {
        const back = prev === 'training' ? 'verified' : prev;
        await st.update(design, { status: status === 'stopped' ? back : 'failed' });
      }
    });
    this.s.training.fire({
      kind: 'end',
      design,
      rung,
      runDir,
      status,
      ...(why !== undefined ? { message: why } : {}),
    });
    this.s.log.appendLine(`${design}@${rung}: ${status}${why !== undefined ? `: ${why}` : ''}`);
    this.tell(design, rung, status, out, why);
    return status;
  }

  private tell(
    design: string,
    rung: string,
    status: EndStatus,
    out: TrainOutcome,
    why: string | undefined,
  ): void {
    const at = `${design} at ${rung}`;
    const step = out.done?.step ?? out.error?.step;
    if (status === 'completed') {
      const loss = out.done?.summary['valLoss'];
      const text = typeof loss === 'number' ? `: validation loss ${loss.toFixed(4)}` : '';
      void this.act(
        vscode.window.showInformationMessage(
          `Blocksmith: trained ${at}${text}.`,
          'Open Dashboard',
          'Open Report',
        ),
        design,
        rung,
      );
    } else if (status === 'stopped') {
      void vscode.window.showInformationMessage(
        `Blocksmith: stopped ${at} at step ${step ?? '?'}; a checkpoint is saved. Train on Ladder again resumes from it.`,
      );
    } else if (status === 'diverged') {
      void this.act(
        vscode.window.showWarningMessage(
          `Blocksmith: ${at} diverged at step ${step ?? '?'} (the loss became NaN or infinite). Try a lower learning rate or change the design.`,
          'Show Log',
        ),
        design,
        rung,
      );
    } else {
      void this.act(
        vscode.window.showErrorMessage(
          `Blocksmith: training ${at} failed: ${why ?? 'unknown error'}`,
          'Show Log',
        ),
        design,
        rung,
      );
    }
  }

  private async act(
    pick: Thenable<string | undefined>,
    design: string,
    rung: string,
  ): Promise<void> {
    const choice = await pick;
    if (choice === 'Show Log') {
      this.s.log.show(true);
    } else if (choice === 'Open Dashboard') {
      await vscode.commands.executeCommand('blocksmith.showInDashboard', design);
    } else if (choice === 'Open Report') {
      await vscode.commands.executeCommand('blocksmith.openReport', design, rung);
    }
  }
}
