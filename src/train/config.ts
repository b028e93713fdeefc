// The resolved configuration of a training run: the rung, the trainer's settings (batch, cadences),
// the optimiser and the step count, checked before anything runs. It is saved in every checkpoint
// and report; a resumed run must match the checkpoint's on every key that shapes the curve.
import { defaultBatch, resolveRung, RungError, type Rung } from '../ladder/rungs';
import { defaultOptim, type OptimConfig } from './optim';
import type { TrainJob, TrainKey } from './protocol';
import { badWorkers } from './workers';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const TRAIN_KEYS: readonly TrainKey[] = [
  'batch',
  'lr',
  'evalEvery',
  'evalBatches',
  'checkpointEvery',
  'logEvery',
];

/** Tokens a step on laptop rungs (CPU) and on paper rungs (GPU). */
/** Evaluations and checkpoints a run makes (at least), and progress messages at most. */
const EVALS = 10;
const CHECKPOINTS = 20;
const PROGRESS_LINES = 500;

export interface RunConfig {
  readonly design: string;
  readonly codeHash: string;
  readonly rung: Rung;
  /** The depth the design trains at (tuned to the rung's parameter count by the verifier). */
  readonly nBlocks: number;
  readonly hp: Readonly<Record<string, unknown>>;
  readonly vocab: 'bytes' | 'gpt2';
  readonly vocabSize: number;
  readonly seed: number;
  readonly steps: number;
  readonly batch: number;
  readonly context: number;
  readonly optim: OptimConfig;
  readonly evalEvery: number;
  readonly evalBatches: number;
  readonly checkpointEvery: number;
  readonly logEvery: number;
  readonly data: Readonly<Record<string, unknown>>;
  /**
   * Data-parallel worker threads (1: in the trainer's thread). Not a curve key: the workers sum
   * the same gradient in another order, so a run may resume on another count (within float
   * tolerance, test/train/workers.test.ts); checkpoints of older runs lack it (read as 1).
   */
  readonly workers: number;
}

/** The job's rung, or a ConfigError naming the rungs there are. */
export function jobRung(job: TrainJob): Rung {
  try {
    return resolveRung(job.rung, job.rungOverrides ?? {});
  } catch (err) {
    if (err instanceof RungError) {
      throw new ConfigError(`${err.message} ('blocksmith rungs' lists the ladder)`);
    }
    throw err;
  }
}

const positiveInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v > 0;

/** The job's train overrides, each checked: known key, positive number (integer but for lr). */
export function trainOverrides(job: TrainJob): Partial<Record<TrainKey, number>> {
  const out: Partial<Record<TrainKey, number>> = {};
  for (const [key, value] of Object.entries(job.train ?? {})) {
    if (!(TRAIN_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(
        `unknown trainer setting '${key}': known settings are ${TRAIN_KEYS.join(', ')}`,
      );
    }
    const ok =
      key === 'lr' ? typeof value === 'number' && value > 0 && value < 1 : positiveInt(value);
    if (!ok) {
      throw new ConfigError(
        `trainer setting '${key}' must be ${key === 'lr' ? 'a number in (0, 1)' : 'a positive integer'}, got ${JSON.stringify(value)}`,
      );
    }
    out[key as TrainKey] = value;
  }
  return out;
}

/** Checks the parts of a job that need no block or data: seed, steps, paths, settings. */
export function checkJob(job: TrainJob): void {
  if (!Number.isInteger(job.seed) || job.seed < 0) {
    throw new ConfigError(`seed must be an integer >= 0, got ${JSON.stringify(job.seed)}`);
  }
  if (job.steps !== undefined && !positiveInt(job.steps)) {
    throw new ConfigError(`steps must be a positive integer, got ${JSON.stringify(job.steps)}`);
  }
  if (typeof job.runDir !== 'string' || !job.runDir.startsWith('/')) {
    throw new ConfigError(`runDir must be an absolute path, got ${JSON.stringify(job.runDir)}`);
  }
  const bad = job.workers === undefined ? undefined : badWorkers(job.workers);
  if (bad !== undefined) {
    throw new ConfigError(bad);
  }
  jobRung(job);
  trainOverrides(job);
}

export interface ResolveInput {
  readonly job: TrainJob;
  readonly design: string;
  readonly codeHash: string;
  readonly nBlocks: number;
  readonly hp: Readonly<Record<string, unknown>>;
  readonly vocabSize: number;
  readonly data: Readonly<Record<string, unknown>>;
  /** The workers that will run (workersFor the job and the backend that started; default 1). */
  readonly workers?: number;
}

/** The whole run config: the rung's token budget sets the steps unless the job gives them. */
export function resolveConfig(r: ResolveInput): RunConfig {
  const rung = jobRung(r.job);
  const o = trainOverrides(r.job);
  const context = rung.context;
  const batch = o.batch ?? defaultBatch(rung, context);
  const budget = rung.tokensPerParam * rung.referenceParams;
  const steps = r.job.steps ?? Math.max(1, Math.ceil(budget / (batch * context)));
  const base = defaultOptim(rung);
  return {
    design: r.design,
    codeHash: r.codeHash,
    rung,
    nBlocks: r.nBlocks,
    hp: r.hp,
    vocab: rung.vocab,
    vocabSize: r.vocabSize,
    seed: r.job.seed,
    steps,
    batch,
    context,
    optim: o.lr !== undefined ? { ...base, lr: o.lr } : base,
    evalEvery: o.evalEvery ?? Math.max(1, Math.ceil(steps / EVALS)),
    evalBatches: o.evalBatches ?? (rung.kind === 'laptop' ? 8 : 4),
    checkpointEvery: o.checkpointEvery ?? Math.max(1, Math.ceil(steps / CHECKPOINTS)),
    logEvery: o.logEvery ?? Math.max(1, Math.ceil(steps / PROGRESS_LINES)),
    data: r.data,
    workers: r.workers ?? 1,
  };
}

/** The keys on which a resumed run must agree with its checkpoint (cadences may differ). */
const CURVE_KEYS = [
  'codeHash',
  'rung',
  'nBlocks',
  'hp',
  'vocab',
  'seed',
  'steps',
  'batch',
  'context',
  'optim',
  'data',
] as const;

/** The keys where `saved` and `now` differ, as 'key: saved -> now' lines. */
export function configDiff(saved: RunConfig, now: RunConfig): string[] {
  const out: string[] = [];
  // the data's cache entry says whether this session built or reused it: not part of the curve
  const curve = (c: RunConfig, k: (typeof CURVE_KEYS)[number]): string =>
    JSON.stringify(k === 'data' ? { ...c.data, cache: undefined } : c[k]);
  for (const k of CURVE_KEYS) {
    const a = curve(saved, k);
    const b = curve(now, k);
    if (a !== b) {
      out.push(
        `${k}: ${a.length > 80 ? `${a.slice(0, 77)}...` : a} -> ${b.length > 80 ? `${b.slice(0, 77)}...` : b}`,
      );
    }
  }
  return out;
}
