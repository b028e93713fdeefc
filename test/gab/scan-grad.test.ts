// linearScan's gradients (chunked, with the hand-written intra-chunk gradient) against tf's own
// gradient of a step-by-step recurrence written with plain tf ops.
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ops } from '../../src/gab/ops';
import { assertClose, randn, toTensor, uniform, useBackend } from './helpers';

/** The recurrence one step at a time: q, k [BH, L, Dk], v [BH, L, Dv], g [BH, L, Dg]. */
function sequential(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  strict: boolean,
): tf.Tensor {
  const [bh, l, dk] = q.shape as [number, number, number];
  const dv = v.shape[2]!;
  const dg = g.shape[2]!;
  const step = (x: tf.Tensor, t: number, d: number): tf.Tensor =>
    tf.slice(x, [0, t, 0], [bh, 1, d]);
  let s = tf.zeros([bh, dk, dv]);
  const ys: tf.Tensor[] = [];
  for (let t = 0; t < l; t++) {
    const qt = step(q, t, dk); // [BH, 1, Dk]
    if (strict) {
      ys.push(tf.matMul(qt, s));
    }
    const decay = tf.reshape(tf.exp(step(g, t, dg)), [bh, dg, 1]);
    s = tf.add(tf.mul(s, decay), tf.matMul(step(k, t, dk), step(v, t, dv), true));
    if (!strict) {
      ys.push(tf.matMul(qt, s));
    }
  }
  return tf.concat(ys, 1); // [BH, L, Dv]
}

const cases: [string, number, boolean, number, number][] = [
  // name, Dg, exclusive, chunk, lowest log-decay
  ['channel decay, exclusive', 4, true, 4, -2],
  ['channel decay, inclusive, strong decay', 4, false, 8, -40],
  ['scalar decay, inclusive', 1, false, 4, -2],
];

void test('linearScan gradients match the sequential recurrence (wasm)', async () => {
  await useBackend('wasm');
  const [b, h, l, dk, dv] = [1, 2, 11, 4, 3];
  cases.forEach(([name, dg, strict, chunk, lo], i) => {
    const xs = [
      randn([b, h, l, dk], 10 * i),
      randn([b, h, l, dk], 10 * i + 1),
      randn([b, h, l, dv], 10 * i + 2),
      uniform([b, h, l, dg], lo, 0, 10 * i + 3),
    ].map(toTensor);
    const w = toTensor(randn([b, h, l, dv], 10 * i + 4));
    const flat = (x: tf.Tensor): tf.Tensor => tf.reshape(x, [b * h, l, x.shape[3]!]);
    const mine = tf.grads((q, k, v, g) =>
      tf.sum(
        tf.mul(ops.linearScan(q, k, v, g, { exclusive: strict, chunk }) as unknown as tf.Tensor, w),
      ),
    )(xs);
    const ref = tf.grads((q, k, v, g) =>
      tf.sum(tf.mul(sequential(flat(q), flat(k), flat(v), flat(g), strict), flat(w))),
    )(xs);
    ['dq', 'dk', 'dv', 'dlogDecay'].forEach((n, j) => {
      const a = Float32Array.from(mine[j].dataSync());
      assertClose(`${name}: ${n}`, a, Float32Array.from(ref[j].dataSync()), 1e-3);
    });
  });
});
