// Training inside the loop: one trainer child at a time, written ahead in the store (the run's
// record and the design's status 'training' before the child starts), resumed from its checkpoint
// after a crash, never repeated once its report.json says completed.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSteps } from '../../ladder/ladder';
import { readRunReport, plannedSteps } from '../../ladder/reports';
import { resolveRung } from '../../ladder/rungs';
import { gptSpeedFor } from '../../ladder/speed';
import type { DesignStore } from '../../store';
import type { TrainJob, TrainerMessage } from '../../train/protocol';
import { codeHash, type RunReport } from '../../train/report';
import { spawnTrainer, type TrainerHandle } from '../../train/spawn';
import { resultFromReport, type RunResult, type RunResults } from '../selection/fitness';
import { runKey, type RunRecord, type StateBook } from './state';

export interface TrainSettings {
  /** Multiplies each rung's default step count (a dev knob: 0.01 for tests; default 1). */
  readonly stepsScale: number;
  readonly backend: string;
  readonly seed: number;
  readonly workers?: number;
  readonly probes: boolean;
  /** Validation passes per run, the last at the end (default 4): fitness reads only the last,
   *  and at --steps-scale 0.05 the trainer's default of 10 costs a third of a 50k run. */
  readonly evalsPerRun?: number;
}

/** Validation passes per run when TrainSettings gives none. */
export const EVALS_PER_RUN = 4;

/** Steps of a run at `rung` under `stepsScale` (at least 2, so a run evaluates once). */
export function stepsAt(rung: string, stepsScale: number, seed: number): number {
  return Math.max(2, Math.round(defaultSteps(resolveRung(rung), seed) * stepsScale));
}

/** A completed report of this exact code and length: such a run is never repeated. */
export function completedReport(rec: RunRecord, source: string): RunReport | undefined {
  const r = readRunReport(rec.runDir);
  return r?.status === 'completed' &&
    r.codeHash === codeHash(source) &&
    plannedSteps(r) === rec.steps
    ? r
    : undefined;
}

/** The results every selection call reads: each design's report.json per rung. */
export function collectResults(store: DesignStore, rungs: readonly string[]): RunResults {
  const out: Record<string, Record<string, RunResult>> = {};
  for (const d of store.list()) {
    for (const rung of rungs) {
      const r = readRunReport(store.runDir(d.id, rung));
      if (r !== undefined) {
        (out[d.id] ??= {})[rung] = resultFromReport(r);
      }
    }
  }
  return out;
}

/** The trainer job of a run record. */
export function jobFor(store: DesignStore, rec: RunRecord, s: TrainSettings): TrainJob {
  const source = store.source(rec.id);
  const gptSpeed = gptSpeedFor(store.root, resolveRung(rec.rung), codeHash(source));
  return {
    blockPath: join(store.dir(rec.id), 'block.ts'),
    source,
    design: rec.id,
    rung: rec.rung,
    backend: s.backend,
    seed: s.seed,
    runDir: rec.runDir,
    dataPaths: [],
    steps: rec.steps,
    probes: s.probes,
    train: { evalEvery: Math.max(1, Math.ceil(rec.steps / (s.evalsPerRun ?? EVALS_PER_RUN))) },
    ...(s.workers !== undefined ? { workers: s.workers } : {}),
    ...(gptSpeed ? { gptSpeed } : {}),
  };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const cmdline = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Trainers writing `rec.runDir`: on Linux every process whose command line names trainer.js and
 * the run folder (the permission flags carry it), so a child spawned just before a kill, whose
 * pid was never recorded, is found too; elsewhere the recorded pid.
 */
function trainersOf(rec: RunRecord): number[] {
  const pids = new Set<number>();
  if (process.platform === 'linux' && existsSync('/proc')) {
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      const cmd = Number.isInteger(pid) && pid !== process.pid ? cmdline(pid) : undefined;
      if (cmd?.includes('trainer.js') && cmd.includes(rec.runDir)) {
        pids.add(pid);
      }
    }
    if (rec.pid !== undefined && cmdline(rec.pid)?.includes('trainer.js')) {
      pids.add(rec.pid);
    }
  } else if (rec.pid !== undefined && rec.pid !== process.pid && alive(rec.pid)) {
    pids.add(rec.pid);
  }
  return [...pids];
}

/** Ends trainers a killed loop left running (they would write the run folder beside ours). */
export async function endOrphan(rec: RunRecord): Promise<void> {
  const pids = trainersOf(rec);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 100 && pids.some(alive); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TrainEnd {
  readonly status: 'completed' | 'failed';
  readonly message?: string;
  readonly report?: RunReport;
}

/**
 * Trains rec.id at rec.rung: the record (status 'training') and the design's status are stored
 * before the child starts; a completed report already there is taken as is.
 */
export async function trainRun(
  store: DesignStore,
  book: StateBook,
  rec: RunRecord,
  s: TrainSettings,
  hooks: { onStart?: (h: TrainerHandle) => void; onMessage?: (m: TrainerMessage) => void } = {},
): Promise<TrainEnd> {
  const source = store.source(rec.id);
  book.state.runs[runKey(rec.id, rec.rung)] = rec;
  await book.save();
  await store.update(rec.id, { status: 'training' });
  const done = completedReport(rec, source);
  if (done !== undefined) {
    return { status: 'completed', report: done };
  }
  const handle = spawnTrainer(jobFor(store, rec, s), hooks.onMessage);
  hooks.onStart?.(handle);
  rec.pid = handle.child.pid;
  await book.save();
  const out = await handle.outcome;
  const report = completedReport(rec, source);
  if (report !== undefined) {
    return { status: 'completed', report };
  }
  const why =
    out.error?.message.split('\n')[0] ??
    (out.done !== undefined ? `run ended ${out.done.status}` : undefined) ??
    `trainer exited (${out.signal ?? String(out.exitCode)}): ${out.stderrTail.slice(-300).trim()}`;
  return { status: 'failed', message: why };
}
