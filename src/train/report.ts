// report.json: the one summary of a training run, written atomically into its run folder
// (.blocksmith/runs/<design>/<rung>/). It holds everything needed to reproduce and compare the
// result: the final config, the seed, the block's code hash, the backend and the versions.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rung } from '../ladder/rungs';
import type { ProbeScore } from '../probes/types';
import type { RunStatus } from './protocol';

export type { ProbeScore };

/** The design's throughput against the GPT seed's at the same rung. */
export interface SpeedVsGpt {
  /** The design's tokens/s over the GPT seed's: 1 as fast, 0.25 four times slower. */
  readonly relativeToGpt: number;
  /**
   * 'gpt-run': a completed GPT seed run in the same workspace on the same backend (tokens/s of
   * training); 'verifier-baseline': the verifier's cached forward + backward time of the GPT seed
   * against the same measurement of this design, taken after training.
   */
  readonly source: 'gpt-run' | 'verifier-baseline';
  readonly gptTokensPerSec?: number;
  /** More than 3x slower than the GPT seed (the Genesys speed gate). */
  readonly slow: boolean;
}

/** [step, loss] */
export type CurvePoint = readonly [number, number];

export interface RunReport {
  /** The design's name (its folder under designs/, or the block's name). */
  readonly design: string;
  readonly blockPath: string;
  /** codeHash of the block's source. */
  readonly codeHash: string;
  /** The rung as trained (overrides applied). */
  readonly rung: Rung;
  /** The design's hyperparameters as trained (defaults plus overrides). */
  readonly hp: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly backend: string;
  readonly workers: number;
  readonly status: RunStatus;
  /** Optimiser steps done and tokens trained on. */
  readonly steps: number;
  readonly tokens: number;
  /** Wall time of the training, resumed parts summed. */
  readonly wallMs: number;
  readonly tokensPerSec: number;
  readonly curves: {
    /** Downsampled (see downsample). */
    readonly trainLoss: readonly CurvePoint[];
    readonly valLoss: readonly CurvePoint[];
  };
  readonly final: {
    readonly trainLoss: number;
    readonly valLoss: number;
    /** Laptop rungs (bytes as tokens): valLoss / ln 2. */
    readonly bitsPerByte?: number;
    /** The unigram baseline on the same validation split (nats/token). */
    readonly unigramLoss?: number;
  };
  readonly probes: readonly ProbeScore[];
  /** Why the probes did not all run (a failure or a stop); the scores finished are in `probes`. */
  readonly probeError?: string;
  /** Throughput against the GPT seed at the same rung, when known. */
  readonly speed?: SpeedVsGpt;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Versions of blocksmith, node and the tfjs packages. */
  readonly versions: Readonly<Record<string, string>>;
  /** Anything else the trainer saves with the run (optimiser, data description). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** sha256 (hex) of the block's text: the identity of the code a result came from. */
export function codeHash(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

/**
 * At most `max` points of a curve, evenly spaced over it, the first and last kept. Each kept point
 * averages the losses of its bucket, so the noise of single steps does not decide the shape.
 */
export function downsample(points: readonly CurvePoint[], max = 200): CurvePoint[] {
  if (points.length <= max) {
    return points.map(([s, l]) => [s, l]);
  }
  const out: CurvePoint[] = [];
  const per = points.length / max;
  for (let b = 0; b < max; b++) {
    const bucket = points.slice(Math.floor(b * per), Math.floor((b + 1) * per));
    const mean = bucket.reduce((a, [, l]) => a + l, 0) / bucket.length;
    out.push([bucket[bucket.length - 1][0], mean]);
  }
  out[0] = [points[0][0], points[0][1]];
  return out;
}

/**
 * Writes `report` to <runDir>/report.json atomically: a temporary file in the same folder, then a
 * rename, so a reader never sees half a report. Returns the path.
 */
export function writeReport(runDir: string, report: RunReport): string {
  mkdirSync(runDir, { recursive: true });
  const file = join(runDir, 'report.json');
  const tmp = join(runDir, `.report.json.${String(process.pid)}.tmp`);
  try {
    writeFileSync(tmp, `${JSON.stringify(report, nonFiniteAsString, 2)}\n`, 'utf8');
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(
      `could not write the run report ${file} (${String(err)}): check that the run folder is writable`,
      { cause: err },
    );
  }
  return file;
}

/** JSON has no NaN or Infinity (a diverged run has them): write them as strings ("NaN"), not as null. */
function nonFiniteAsString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
