// Forward + backward cost of a block stack at a rung: the figures dynamic/speed and
// dynamic/memory compare with the GPT seed's. Both designs are measured the same way, in the
// same kind of process, one after the other (never two models alive at once).
import * as tf from '@tensorflow/tfjs-core';
import type { Block } from '../../gab/contract';
import { defaultBatch, type Rung } from '../../ladder/rungs';
import { LanguageModel } from '../../model/lm';
import type { PerfFigures } from './context';
import { randomInput, VOCAB } from './context';

/** Warm-up: at least this many steps and this long. */
const WARMUP_STEPS = 2;
const WARMUP_MS = 250;
/** Timed repetitions after the warm-up: at least MIN_REPS, more while under BUDGET_MS. */
const MIN_REPS = 4;
const MAX_REPS = 20;
const BUDGET_MS = 500;
/** Bump when the measurement changes: cached baselines then no longer apply. */
export const MEASURE_VERSION = 2;

/**
 * The best of several steps, in wall time and in process CPU time. The checks judge CPU time:
 * tfjs runs single-threaded here, so CPU time is the step's work, while wall time also counts
 * the waits of a machine shared with other processes (measured: 2x swings under load).
 */
function timeSteps(step: () => void): { wallMs: number; cpuMs: number } {
  let wallMs = Infinity;
  let cpuMs = Infinity;
  const started = performance.now();
  for (let rep = 0; rep < MAX_REPS; rep++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    step();
    const c = process.cpuUsage(c0);
    wallMs = Math.min(wallMs, performance.now() - t0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000);
    if (rep + 1 >= MIN_REPS && performance.now() - started > BUDGET_MS) {
      break;
    }
  }
  return { wallMs, cpuMs };
}

/** Times the best of several forward + backward steps and profiles the peak bytes of one. */
export async function measureStep(
  block: Block,
  rung: Rung,
  nBlocks: number,
  seed: number,
): Promise<PerfFigures> {
  const model = new LanguageModel(block, { vocab: VOCAB, d: rung.d, nBlocks, seed });
  // Timed at the trainer's step shape: tiny batches would measure kernel launches, not the design.
  const shape = [defaultBatch(rung), rung.context, rung.d];
  const x = randomInput(shape, seed + 5000);
  const r = randomInput(shape, seed + 5001);
  try {
    tf.tidy(() => model.stack(x)); // declares the parameters
    const vars = model.variables();
    const step = (): void => {
      tf.tidy(() => {
        const { value } = tf.variableGrads(
          () => tf.sum<tf.Scalar>(tf.mul(model.stack(x), r)),
          vars,
        );
        // Reading one value makes sure the work is done on any backend.
        value.dataSync();
      });
    };
    // Warm-up: the first steps compile kernels, tier up wasm and JS code and cache constants.
    const warm = performance.now();
    for (let i = 0; i < WARMUP_STEPS || performance.now() - warm < WARMUP_MS; i++) {
      step();
    }
    const { wallMs, cpuMs } = timeSteps(step);
    const before = tf.memory().numBytes;
    const paramBytes = vars.reduce((n, v) => n + v.size * 4, 0);
    const profile = await tf.profile(step);
    // The model's own footprint: its parameters plus what one step holds at its peak.
    const bytes = Math.max(0, profile.peakBytes - before) + paramBytes;
    return { ms: cpuMs, wallMs, bytes, nBlocks };
  } finally {
    x.dispose();
    r.dispose();
    model.dispose();
  }
}
