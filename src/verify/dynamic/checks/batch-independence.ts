// dynamic/batch-independence: replacing batch element 1 of X leaves Y[0] unchanged.
import * as tf from '@tensorflow/tfjs-core';
import { fail, maxAbs, pass, probe, randomInput, type DynamicCheck } from '../context';

const ID = 'dynamic/batch-independence';
const RTOL = 1e-5;

export const batchIndependence: DynamicCheck = {
  id: ID,
  gate: (failed) => !failed.has('dynamic/finite'),
  run(ctx) {
    const { model, x, y } = probe(ctx);
    const [, length, d] = x.shape as [number, number, number];
    const tol = RTOL * maxAbs(y);
    const change = tf.tidy(() => {
      const fresh = randomInput([1, length, d], ctx.job.seed + 2000);
      const x2 = tf.concat([tf.slice(x, [0, 0, 0], [1, length, d]), fresh], 0); // [2, L, D]
      const y2 = model.stack(x2);
      const diff = tf.abs(
        tf.sub(tf.slice(y2, [0, 0, 0], [1, length, d]), tf.slice(y, [0, 0, 0], [1, length, d])),
      );
      const m = tf.max(diff).dataSync()[0];
      return Number.isNaN(m) ? Infinity : m;
    });
    const data = { maxChange: change, tolerance: tol };
    if (change > tol) {
      return [
        fail(
          ID,
          `Y[0] changed (by ${change.toPrecision(3)}, tolerance ${tol.toPrecision(3)}) when only X[1] ` +
            `was replaced: batch elements mix. Never reduce, normalise or attend over the batch axis ` +
            `(axis 0); statistics belong to the last axis (ops.rmsNorm, ops.layerNorm).`,
          data,
        ),
      ];
    }
    return [pass(ID, 'Y[0] unchanged when X[1] is replaced', data)];
  },
};
