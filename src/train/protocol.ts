// The one typed protocol between a trainer child process and its parent (the CLI or the
// extension). The parent writes one TrainJob as JSON on the child's stdin; the child writes one
// TrainerMessage a line (JSON) on stdout. Both sides import this file.

/** What to train. Paths are absolute. */
export interface TrainJob {
  /** The block file (its text is also given, so the child need not read the workspace). */
  readonly blockPath: string;
  readonly source: string;
  /** The design's name in the run folder and report (default: the block's own name). */
  readonly design?: string;
  /** Rung name (see src/ladder/rungs.ts) and checked overrides of its settings. */
  readonly rung: string;
  readonly rungOverrides?: Readonly<Record<string, unknown>>;
  /** Overrides of the design's hyperparameters (checked against its defaults). */
  readonly hp?: Readonly<Record<string, unknown>>;
  /** Stop after this many optimiser steps (default: the rung's token budget). */
  readonly steps?: number;
  /** 'auto' (best available), 'tensorflow-gpu', 'tensorflow', 'wasm' or 'cpu'. */
  readonly backend: string;
  readonly seed: number;
  /** Where metrics.jsonl, checkpoints and report.json go: .blocksmith/runs/<design>/<rung>/. */
  readonly runDir: string;
  /** The user's .txt / .jsonl corpus files; empty: the corpus shipped with the package. */
  readonly dataPaths: readonly string[];
  /** Data-parallel workers (default: 2 on two or more cores). */
  readonly workers?: number;
  /** Train and score the probes after the LM run. */
  readonly probes?: boolean;
  /** Checked overrides of the trainer's own settings (see src/train/config.ts TRAIN_KEYS). */
  readonly train?: Readonly<Partial<Record<TrainKey, number>>>;
  /** The GPT seed's speed at this rung, when the parent knows it (report.json's `speed`). */
  readonly gptSpeed?: GptSpeed;
}

/** What the parent knows of the GPT seed's speed at the job's rung (the child reads no other run). */
export interface GptSpeed {
  /** A completed GPT seed run at this rung in the same workspace: its tokens/s and backend. */
  readonly run?: { readonly tokensPerSec: number; readonly backend: string };
  /** The verifier's cached GPT forward + backward CPU ms at this rung, by backend name. */
  readonly baselineMs?: Readonly<Record<string, number>>;
}

/** The trainer settings a job may override: batch size, peak learning rate, cadences in steps. */
export type TrainKey =
  'batch' | 'lr' | 'evalEvery' | 'evalBatches' | 'checkpointEvery' | 'logEvery';

export interface Hello {
  readonly type: 'hello';
  readonly backend: string;
  readonly device: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly pid: number;
  readonly workers: number;
  readonly totalSteps: number;
  /** The step a resumed run starts from (0 for a fresh run). */
  readonly resumedFrom: number;
  /** The final, resolved config (rung, hyperparameters, optimiser, data), saved with results. */
  readonly config: Readonly<Record<string, unknown>>;
  /** What the run should know: backends passed over, corrupt checkpoints skipped, check warnings. */
  readonly warnings?: readonly string[];
}

export interface Progress {
  readonly type: 'progress';
  readonly step: number;
  readonly totalSteps: number;
  readonly tokens: number;
  readonly loss: number;
  readonly lr: number;
  readonly tokensPerSec: number;
  readonly gradNorm: number;
  readonly elapsedMs: number;
  readonly etaMs: number;
}

export interface Eval {
  readonly type: 'eval';
  readonly step: number;
  readonly tokens: number;
  readonly valLoss: number;
  /** Validation bits per byte (bytes vocabulary: valLoss / ln 2). */
  readonly bitsPerByte?: number;
}

export interface Checkpoint {
  readonly type: 'checkpoint';
  readonly step: number;
  readonly path: string;
}

export interface ProbeResult {
  readonly type: 'probe';
  readonly name: string;
  readonly accuracy: number;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export type RunStatus = 'completed' | 'stopped' | 'diverged';

export interface Done {
  readonly type: 'done';
  readonly status: RunStatus;
  readonly step: number;
  /** The path of report.json. */
  readonly report: string;
  readonly summary: Readonly<Record<string, unknown>>;
}

export type ErrorKind = 'config' | 'data' | 'verify' | 'diverged' | 'checkpoint' | 'internal';

export interface TrainerError {
  readonly type: 'error';
  readonly kind: ErrorKind;
  readonly message: string;
  readonly step?: number;
}

export type TrainerMessage =
  Hello | Progress | Eval | Checkpoint | ProbeResult | Done | TrainerError;

const TYPES = new Set(['hello', 'progress', 'eval', 'checkpoint', 'probe', 'done', 'error']);

/** One stdout line to a message; undefined for anything else (stray output is ignored). */
export function parseTrainerMessage(line: string): TrainerMessage | undefined {
  if (!line.startsWith('{')) {
    return undefined;
  }
  try {
    const m = JSON.parse(line) as { type?: unknown };
    return typeof m.type === 'string' && TYPES.has(m.type) ? (m as TrainerMessage) : undefined;
  } catch {
    return undefined;
  }
}

export function formatTrainerMessage(m: TrainerMessage): string {
  return `${JSON.stringify(m)}\n`;
}
