// dynamic/forward-shape: the block stack maps X [2, L, D] to Y of the same shape, at the rung's
// width, context and depth.
import * as tf from '@tensorflow/tfjs-core';
import {
  errorText,
  makeModel,
  randomInput,
  type CheckContext,
  fail,
  isAllocationError,
  pass,
  probe,
  PROBE_BATCH,
  type DynamicCheck,
} from '../context';

const ID = 'dynamic/forward-shape';

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((n, i) => n === b[i]);

/** The output shape of a single block on a random X of shape `shape`. */
function oneBlockShape(ctx: CheckContext, shape: readonly number[]): number[] {
  const model = makeModel(ctx, 1);
  try {
    return tf.tidy(() => model.stack(randomInput(shape, ctx.job.seed + 100)).shape);
  } finally {
    model.dispose();
  }
}

export const forwardShape: DynamicCheck = {
  id: ID,
  gate: (failed) => !failed.has('dynamic/load'),
  run(ctx) {
    const want = [PROBE_BATCH, ctx.rung.context, ctx.rung.d];
    const started = performance.now();
    let got: number[];
    try {
      // One block first: a wrong shape is then reported as such, not as the next block's error.
      got = oneBlockShape(ctx, want);
      if (sameShape(got, want)) {
        got = probe(ctx).y.shape;
      }
    } catch (err) {
      if (isAllocationError(err)) {
        throw err; // the runner reports dynamic/memory-limit
      }
      return [
        fail(
          ID,
          `the forward pass on X [${want.join(', ')}] threw: ${errorText(err)}. Fix the unit named in ` +
            `the message; every unit's forward must return [Y, Z].`,
        ),
      ];
    }
    const ms = performance.now() - started;
    const data = { input: want, output: got, nBlocks: ctx.rung.nBlocks, ms };
    if (!sameShape(got, want)) {
      return [
        fail(
          ID,
          `the block maps X [${want.join(', ')}] to Y [${got.join(', ')}]: Y must have X's shape ` +
            `[B, L, D]. Project back to width D (ops.linear) and keep the batch and sequence axes.`,
          data,
        ),
      ];
    }
    return [
      pass(
        ID,
        `X [${want.join(', ')}] -> Y [${got.join(', ')}] over ${ctx.rung.nBlocks} blocks`,
        data,
      ),
    ];
  },
};
