// dynamic/finite: Y holds no NaN or infinity on a random input.
import * as tf from '@tensorflow/tfjs-core';
import { fail, maxAbs, pass, probe, type DynamicCheck } from '../context';

const ID = 'dynamic/finite';

export const finite: DynamicCheck = {
  id: ID,
  gate: (failed) => !failed.has('dynamic/forward-shape'),
  run(ctx) {
    const { y } = probe(ctx);
    const bad = tf.tidy(
      () => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(y)), 'int32')).dataSync()[0],
    );
    if (bad > 0) {
      return [
        fail(
          ID,
          `Y holds ${bad} non-finite values (NaN or infinity) out of ${y.size} on a random N(0, 1) ` +
            `input. Guard logs, square roots and divisions (ops.softplus, ops.logSigmoid, add an eps) ` +
            `and keep exponents bounded.`,
          { nonFinite: bad, size: y.size },
        ),
      ];
    }
    const peak = maxAbs(y);
    return [
      pass(ID, `all ${y.size} values of Y are finite (max |Y| ${peak.toPrecision(3)})`, {
        maxAbs: peak,
      }),
    ];
  },
};
