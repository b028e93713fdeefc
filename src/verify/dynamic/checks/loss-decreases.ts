// dynamic/loss-decreases: the whole LM (bytes, vocabulary 256) trains for a few Adam steps on a
// small built-in English text; the loss must stay finite and below 1e4 (else: divergence) and end
// clearly below where it started.
import * as tf from '@tensorflow/tfjs-core';
import { keyedRandom } from '../../../gab/rng';
import {
  fail,
  makeModel,
  noErrorsExcept,
  pass,
  type CheckContext,
  type DynamicCheck,
} from '../context';
import { ENGLISH_TEXT } from '../text';

const ID = 'dynamic/loss-decreases';
export const STEPS = 12;
const LR = 1e-2;
const BATCH = 4;
const DIVERGED = 1e4;
/** The mean of the last three losses must be below the first by this fraction. */
const MIN_DROP = 0.05;

/** Random windows of the text: ids [B, L] and next-byte targets [B, L]. */
function batches(ctx: CheckContext, steps: number): { ids: number[][]; targets: number[][] }[] {
  const bytes = Array.from(ENGLISH_TEXT, (ch) => ch.charCodeAt(0) & 0xff);
  const length = Math.min(ctx.rung.context, bytes.length - 2);
  const rand = keyedRandom(ctx.job.seed, 'loss-decreases');
  return Array.from({ length: steps }, () => {
    const ids: number[][] = [];
    const targets: number[][] = [];
    for (let b = 0; b < BATCH; b++) {
      const start = Math.floor(rand() * (bytes.length - length - 1));
      ids.push(bytes.slice(start, start + length));
      targets.push(bytes.slice(start + 1, start + length + 1));
    }
    return { ids, targets };
  });
}

export const lossDecreases: DynamicCheck = {
  id: ID,
  gate: noErrorsExcept('dynamic/speed', 'dynamic/memory'),
  run(ctx) {
    const model = makeModel(ctx, ctx.nBlocks, 11).build(ctx.rung.context);
    const optimizer = tf.train.adam(LR);
    const losses: number[] = [];
    try {
      const vars = model.variables();
      for (const batch of batches(ctx, STEPS)) {
        const loss = tf.tidy(() => {
          const ids = tf.tensor2d(batch.ids, undefined, 'int32');
          const targets = tf.tensor2d(batch.targets, undefined, 'int32');
          const value = optimizer.minimize(() => model.loss(ids, targets), true, vars);
          return value?.dataSync()[0] ?? NaN;
        });
        losses.push(loss);
        if (!Number.isFinite(loss) || loss > DIVERGED) {
          return [
            fail(
              ID,
              `training diverged at step ${losses.length}: loss ${loss} (Adam, lr ${LR}). Keep ` +
                `activations bounded: normalise inputs to sequence mixing, guard exp and division, ` +
                `and initialise output projections small.`,
              { losses, lr: LR },
            ),
          ];
        }
      }
    } finally {
      optimizer.dispose();
      model.dispose();
    }
    const first = losses[0] ?? NaN;
    const last = losses.slice(-3).reduce((a, b) => a + b, 0) / Math.min(3, losses.length);
    const data = { losses, first, last, lr: LR, steps: STEPS, nBlocks: ctx.nBlocks };
    if (!(last < first * (1 - MIN_DROP))) {
      return [
        fail(
          ID,
          `the loss did not fall over ${STEPS} Adam steps (lr ${LR}): ${first.toFixed(3)} at first, ` +
            `${last.toFixed(3)} at the end. Check that Y depends on X through a trainable path ` +
            `(a residual connection helps) and that nothing saturates.`,
          data,
        ),
      ];
    }
    return [
      pass(
        ID,
        `loss fell from ${first.toFixed(3)} to ${last.toFixed(3)} in ${STEPS} Adam steps`,
        data,
      ),
    ];
  },
};
