// The probes that separate architectures at tiny scale (MQAR, induction heads, selective copying),
// each trained briefly per design on a fresh small LanguageModel: the best of a small learning-rate
// sweep, as MAD and Zoology report (recall circuits form abruptly and depend on the run), scored
// by accuracy on labelled positions of held-out examples.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import type { Block } from '../gab/contract';
import { inductionTask } from './induction';
import { mqarTask } from './mqar';
import { selectiveCopyTask } from './selective-copy';
import { trainProbe, type ProbeRun } from './train';
import type { ProbeScore, ProbeTask } from './types';

export type { ProbeBatch, ProbeScore, ProbeTask } from './types';
export { inductionTask, mqarTask, selectiveCopyTask };
export { makeBatch, probeRandom } from './random';
export { trainProbe, maskedLoss, type ProbeRun, type ProbeRunOptions } from './train';

export interface ProbeOptions {
  /** Model width (the laptop default: 48). */
  readonly d: number;
  /** Backend to switch to first ('wasm' or 'cpu'); default: the active one. */
  readonly backend?: string;
  readonly seed: number;
  /** Optimiser steps per run (default: each probe's own). */
  readonly steps?: number;
  /** Peak learning rates swept per probe (default: each probe's own, see defaultProbes). */
  readonly lrs?: readonly number[];
  /** Which probes (default: all three, in PROBE_NAMES order). */
  readonly only?: readonly string[];
  /** The design's hyperparameters. */
  readonly hp?: Readonly<Record<string, unknown>>;
  /** Called as each probe finishes (the trainer streams it as a `probe` message). */
  readonly onResult?: (r: ProbeScore) => void;
  /**
   * Aborting (the trainer's SIGTERM) stops within about a second: the probe in progress is
   * dropped and the scores finished so far are returned.
   */
  readonly signal?: AbortSignal;
}

/** One probe at laptop scale: its task, how long to train it, the learning rates swept. */
export interface ProbeSpec {
  readonly task: ProbeTask;
  readonly steps: number;
  readonly batch: number;
  readonly lrs: readonly number[];
}

export const PROBE_NAMES = ['mqar', 'induction', 'selective-copy'] as const;

/** Blocks of the probe models (Zoology and MAD use two layers). */
export const PROBE_BLOCKS = 2;

/** A run this accurate ends the sweep early: the probe is solved, more rates would add little. */
const SOLVED = 0.98;

const EVAL_EXAMPLES = 256;

/**
 * Laptop-scale defaults: about 40-50 s a design at d 48 on two cores for the GPT seed, up to about
 * twice that for the recurrent seeds. Measured at these sizes (best of the sweep, seeds 1-2):
 * MQAR GPT 0.19-0.23, the others 0.04-0.12 (chance 0.03); selective copying GPT 0.32-0.33, TTT
 * 0.19-0.25, the others at chance (0.06); induction (length 12: shorter than safari's 30 so that
 * circuits form within 300 steps) solved by all five seeds. The sweeps were tuned on the GPT seed:
 * induction learns best near 1e-3, MQAR near 1e-2, selective copying near 3e-3.
 */
export function defaultProbes(): ProbeSpec[] {
  return [
    {
      task: mqarTask({ length: 64, pairs: 4, vocab: 64 }),
      steps: 150,
      batch: 16,
      lrs: [3e-3, 1e-2],
    },
    { task: inductionTask({ length: 12, vocab: 20 }), steps: 300, batch: 64, lrs: [1e-3, 2e-3] },
    {
      task: selectiveCopyTask({ region: 32, copies: 8, tokens: 16 }),
      steps: 150,
      batch: 16,
      lrs: [3e-3, 1e-2],
    },
  ];
}

/** Trains and scores each probe on `block`; returns the scores in PROBE_NAMES order. */
export async function runProbes(block: Block, opts: ProbeOptions): Promise<ProbeScore[]> {
  if (opts.backend !== undefined && opts.backend !== tf.getBackend()) {
    if (opts.backend !== 'wasm' && opts.backend !== 'cpu') {
      await tf.setBackend(opts.backend);
    } else {
      await initBackend(opts.backend);
    }
  }
  const unknown = opts.only?.filter((n) => !(PROBE_NAMES as readonly string[]).includes(n)) ?? [];
  if (unknown.length > 0) {
    throw new RangeError(
      `runProbes: unknown probe ${unknown.join(', ')}; the probes are ${PROBE_NAMES.join(', ')}`,
    );
  }
  const specs = defaultProbes().filter((s) => !opts.only || opts.only.includes(s.task.name));
  const out: ProbeScore[] = [];
  for (const spec of specs) {
    const score = await runProbe(block, spec, opts);
    if (!score) {
      break; // aborted
    }
    opts.onResult?.(score);
    out.push(score);
  }
  return out;
}

/**
 * One probe: a run per learning rate of the sweep (until one solves it), the best kept; every run
 * in `detail`. Undefined when opts.signal aborted it.
 */
export async function runProbe(
  block: Block,
  spec: ProbeSpec,
  opts: ProbeOptions,
): Promise<ProbeScore | undefined> {
  const steps = opts.steps ?? spec.steps;
  const lrs = opts.lrs ?? spec.lrs;
  if (lrs.length === 0) {
    throw new RangeError('runProbes: the learning-rate sweep is empty; give at least one rate');
  }
  const runs: ProbeRun[] = [];
  for (const lr of lrs) {
    const run = await trainProbe(block, spec.task, {
      d: opts.d,
      nBlocks: PROBE_BLOCKS,
      seed: opts.seed,
      steps,
      batch: spec.batch,
      lr,
      evalExamples: EVAL_EXAMPLES,
      hp: opts.hp,
      signal: opts.signal,
    });
    if (run.stopped) {
      return undefined;
    }
    runs.push(run);
    if (run.accuracy >= SOLVED) {
      break;
    }
  }
  const best = runs.reduce((a, b) =>
    b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.finalLoss < a.finalLoss) ? b : a,
  );
  return {
    name: spec.task.name,
    accuracy: best.accuracy,
    chance: spec.task.chance,
    steps: best.steps,
    lr: best.lr,
    detail: {
      task: spec.task.describe,
      model: { d: opts.d, nBlocks: PROBE_BLOCKS, vocab: spec.task.vocab },
      batch: spec.batch,
      steps,
      seed: opts.seed,
      evalExamples: EVAL_EXAMPLES,
      selection:
        `best of a learning-rate sweep over ${lrs.join(', ')} (one seed each; ` +
        `the sweep stops at the first run scoring ${SOLVED})`,
      runs: runs.map((r) => ({
        lr: r.lr,
        accuracy: r.accuracy,
        finalLoss: r.finalLoss,
        diverged: r.diverged,
        ms: r.ms,
      })),
      backend: tf.getBackend(),
      ms: runs.reduce((a, r) => a + r.ms, 0),
    },
  };
}
