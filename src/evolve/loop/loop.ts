// The evolution loop: one process holds the store's lock; a designer step and one trainer child
// run side by side (async concurrency: the designer proposes while a design trains). Every state
// change goes through the store first, so a loop killed at any moment continues where it was.
import { RUNGS, resolveRung } from '../../ladder/rungs';
import type { DesignRecord, DesignStore } from '../../store';
import type { TrainerMessage } from '../../train/protocol';
import type { TrainerHandle } from '../../train/spawn';
import {
  chooseAction,
  fitnessTable,
  highestFirst,
  promotions,
  type EvolveSettings,
  type FitnessTable,
} from '../selection';
import { keyedRandom } from '../../gab/rng';
import { designStep, type LoopDesigner } from './design';
import { StateBook, runKey, type RunRecord } from './state';
import { collectResults, endOrphan, stepsAt, trainRun, type TrainSettings } from './train';

export interface EvolveOptions {
  readonly autoApprove: boolean;
  /** Designs the loop may add to this workspace over its lifetime (seeds and hand-made ones do not count). */
  readonly maxDesigns: number;
  /** Training runs the loop may start over the workspace's lifetime (a resumed run counts once). */
  readonly maxTrainRuns: number;
  /** LLM spend over the workspace's lifetime. */
  readonly maxTokens: number;
  readonly maxUsd: number;
  /** Rung names, smallest first (default: the laptop rungs); slots are each rung's maxDesigns. */
  readonly rungs: readonly string[];
  /** Designer failures or refusals in a row before designing stops. */
  readonly maxRefusals: number;
  readonly seed: number;
  readonly train: TrainSettings;
  readonly settings: EvolveSettings;
  /** Sees each training run's start, trainer messages and end (the extension's live views). */
  readonly trainHooks?: TrainHooks;
}

export interface TrainHooks {
  onStart?(run: RunRecord): void;
  onMessage?(run: RunRecord, m: TrainerMessage): void;
  /** completed | failed | stopped (a stop leaves the run to resume). */
  onEnd?(run: RunRecord, status: string, message?: string): void;
}

export const DESIGNED: ReadonlySet<string> = new Set(['mutate', 'crossover', 'scratch']);

export function laptopRungs(): string[] {
  return RUNGS.filter((r) => r.kind === 'laptop').map((r) => r.name);
}

export interface EvolveSummary {
  /** Designs the loop added over the workspace's lifetime, and those verified among them. */
  readonly designed: number;
  readonly verified: number;
  readonly refused: number;
  /** Completed runs by rung. */
  readonly trained: Record<string, number>;
  readonly pendingReview: string[];
  readonly stopped: boolean;
  readonly why: string;
}

export interface EvolveRun {
  /** Stops designing, stops the trainer (it checkpoints) and ends the loop; evolve again resumes. */
  stop(): void;
  readonly result: Promise<EvolveSummary>;
}

class Evolution {
  private stopped = false;
  private refusalsInRow = 0;
  private trainer: TrainerHandle | undefined;
  private readonly abort = new AbortController();
  readonly book: StateBook;

  constructor(
    private readonly store: DesignStore,
    private readonly designer: LoopDesigner,
    private readonly o: EvolveOptions,
    private readonly log: (line: string) => void,
  ) {
    this.book = new StateBook(store);
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.trainer?.stop();
  }

  private designed = (): DesignRecord[] =>
    this.store.list().filter((d) => DESIGNED.has(d.operator));

  private table(): FitnessTable {
    const results = collectResults(this.store, this.o.rungs);
    return fitnessTable(this.store.list(), results, {
      rungs: this.o.rungs,
      reviewWeight: this.o.settings.reviewWeight,
    });
  }

  private canDesign(): boolean {
    const s = this.book.state;
    return (
      !this.stopped &&
      this.designed().length < this.o.maxDesigns &&
      this.refusalsInRow < this.o.maxRefusals &&
      s.usd < this.o.maxUsd &&
      s.tokens < this.o.maxTokens
    );
  }

  /** Ends orphan trainers; a design left 'training' with no run to resume goes back to its status. */
  private async recover(): Promise<void> {
    const runs = Object.values(this.book.state.runs);
    for (const r of runs.filter((x) => x.status === 'training')) {
      await endOrphan(r);
    }
    for (const d of this.store.list().filter((x) => x.status === 'training')) {
      if (!this.book.runsOf(d.id).some((r) => r.status === 'training')) {
        const done = this.book.runsOf(d.id).some((r) => r.status === 'completed');
        await this.store.update(d.id, { status: done ? 'trained' : 'verified' });
      }
    }
  }

  /** A run to resume (left 'training' by a crash) first, else selection's next promotion. */
  private nextRun(): RunRecord | undefined {
    const runs = this.book.state.runs;
    const resume = Object.values(runs).find(
      (r) => r.status === 'training' && this.store.get(r.id) !== undefined,
    );
    if (resume) {
      return resume;
    }
    if (this.stopped || Object.keys(runs).length >= this.o.maxTrainRuns) {
      return undefined;
    }
    const rungs = this.o.rungs.map((n) => resolveRung(n));
    const running = Object.values(runs).filter((r) => r.status === 'training');
    // keyed by the runs recorded: the same draw until a run starts, and again after a restart
    const rng = keyedRandom(this.o.seed, `promote-${Object.keys(runs).length}`);
    const planned = promotions(
      this.store.list(),
      this.table(),
      rungs,
      this.o.settings,
      running,
      rng,
    );
    const next = highestFirst(
      planned.filter((p) => !Object.hasOwn(runs, runKey(p.id, p.rung))),
      this.o.rungs,
    ).at(0);
    if (next === undefined) {
      return undefined;
    }
    return {
      id: next.id,
      rung: next.rung,
      runDir: this.store.runDir(next.id, next.rung),
      steps: stepsAt(next.rung, this.o.train.stepsScale, this.o.train.seed),
      status: 'training',
      startedAt: new Date().toISOString(),
    };
  }

  private async train(rec: RunRecord): Promise<void> {
    this.log(`training ${rec.id} at ${rec.rung} (${rec.steps} steps)`);
    const hooks = this.o.trainHooks;
    hooks?.onStart?.(rec);
    const end = await trainRun(this.store, this.book, rec, this.o.train, {
      onStart: (h) => {
        this.trainer = h;
        if (this.stopped) {
          h.stop(); // stop() came between the run's record and the spawn: it checkpoints at once
        }
      },
      onMessage: (m) => hooks?.onMessage?.(rec, m),
    });
    this.trainer = undefined;
    hooks?.onEnd?.(
      rec,
      end.status === 'failed' && this.stopped ? 'stopped' : end.status,
      end.message,
    );
    if (end.status === 'failed' && this.stopped) {
      return; // stopped: the record stays 'training' and the next evolve resumes the run
    }
    rec.status = end.status;
    rec.finishedAt = new Date().toISOString();
    delete rec.pid;
    if (end.message !== undefined) {
      rec.message = end.message;
    }
    await this.book.save();
    const fit = this.table().get(rec.id);
    const any = this.book.runsOf(rec.id).some((r) => r.status === 'completed');
    await this.store.update(rec.id, {
      status: any ? 'trained' : 'failed',
      ...(fit ? { fitness: { ...fit.byRung } as Record<string, number> } : {}),
    });
    const f = fit?.byRung[rec.rung];
    this.log(
      end.status === 'completed'
        ? `trained ${rec.id} at ${rec.rung}: val loss ${end.report?.final.valLoss.toFixed(4) ?? '?'}` +
            (f !== undefined ? `, fitness ${f.toFixed(3)}` : '')
        : `training ${rec.id} at ${rec.rung} failed: ${end.message ?? ''}`,
    );
  }

  private async design(): Promise<void> {
    const rng = keyedRandom(this.o.seed, `select-${this.book.state.steps}`);
    const action = chooseAction(this.store.list(), this.table(), rng, this.o.settings);
    try {
      const step = await designStep(this.store, this.book, this.designer, action, {
        autoApprove: this.o.autoApprove,
        rung: this.o.rungs[0] ?? '50k',
        signal: this.abort.signal,
        nearDuplicateNumbers: this.o.settings.nearDuplicateNumbers,
      });
      if (step.added) {
        this.refusalsInRow = 0;
        const d = step.added;
        this.log(
          `designed ${d.id} (${d.operator} of ${d.parents.join(' + ') || 'the library'}): ${d.status}`,
        );
      } else {
        this.refusalsInRow += 1;
        this.log(`proposal refused: ${step.refused ?? '?'}`);
      }
    } catch (err) {
      this.refusalsInRow += 1;
      this.log(`designer step failed: ${(err as Error).message}`);
    }
  }

  async run(): Promise<EvolveSummary> {
    await this.recover();
    let designing: Promise<void> | undefined;
    let training: Promise<void> | undefined;
    for (;;) {
      if (training === undefined && !this.stopped) {
        const next = this.nextRun();
        if (next) {
          training = this.train(next).finally(() => (training = undefined));
        }
      }
      if (designing === undefined && this.canDesign()) {
        designing = this.design().finally(() => (designing = undefined));
      }
      const busy = [training, designing].filter((p): p is Promise<void> => p !== undefined);
      if (busy.length === 0) {
        break;
      }
      await Promise.race(busy);
    }
    return this.summary();
  }

  private summary(): EvolveSummary {
    const mine = this.designed();
    const trained: Record<string, number> = {};
    for (const r of Object.values(this.book.state.runs)) {
      if (r.status === 'completed') {
        trained[r.rung] = (trained[r.rung] ?? 0) + 1;
      }
    }
    const pendingReview = this.store.list().filter((d) => d.status === 'pending-review');
    const why = this.stopped
      ? 'stopped: run evolve again to continue where it was'
      : pendingReview.length > 0
        ? `${pendingReview.length} design(s) wait for review: blocksmith review --workspace <dir>, accept or reject, then run evolve again`
        : this.refusalsInRow >= this.o.maxRefusals
          ? `the designer failed ${this.refusalsInRow} times in a row: see the refusals in blocksmith status`
          : 'budgets spent and queue drained: raise --max-designs (or another budget) to go on';
    return {
      designed: mine.length,
      verified: mine.filter(
        (d) => !['invalid', 'rejected', 'pending-review', 'proposed'].includes(d.status),
      ).length,
      refused: this.book.state.refusedCount,
      trained,
      pendingReview: pendingReview.map((d) => d.id),
      stopped: this.stopped,
      why,
    };
  }
}

/** Starts the loop on an open (writable) store; the caller closes the store after `result`. */
export function startEvolve(
  store: DesignStore,
  designer: LoopDesigner,
  opts: EvolveOptions,
  log: (line: string) => void = () => undefined,
): EvolveRun {
  const e = new Evolution(store, designer, opts, log);
  return {
    stop: () => {
      e.stop();
    },
    result: e.run(),
  };
}
