// The intra-chunk scores of linearScan with per-channel decay, with a hand-written gradient.
// tf's own gradient of the elementwise form keeps about ten [M, C, C, Dk] tensors alive and
// recomputes broadcasts; this one keeps one (the decay E) and needs three more products:
// with dAE = dA * E, dq = sum_j dAE k, dk = sum_i dAE q, and since A is a sum of q k E with
// exponent Gq_i - G_j, dGq = q * dq and dG = -k * dk.
import * as tf from '@tensorflow/tfjs-core';
import { additiveMask } from './util';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Fwd4 = (
  q: tf.Tensor,
  k: tf.Tensor,
  gq: tf.Tensor,
  g: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: Grad };

/** The additive mask as [1, C, C, 1], built once per (C, strict) and kept. */
const maskCache = new Map<string, tf.Tensor>();
function mask4(c: number, strict: boolean): tf.Tensor {
  const key = `${c}:${strict}`;
  let m = maskCache.get(key);
  if (!m || m.isDisposed) {
    m = tf.keep(tf.tidy(() => tf.reshape(additiveMask(c, strict), [1, c, c, 1])));
    maskCache.set(key, m);
  }
  return m;
}

function scores(strict: boolean): Fwd4 {
  return (q, k, gq, g, save) => {
    const [m, c, dk] = q.shape as [number, number, number];
    const at = (x: tf.Tensor, axis: 1 | 2): tf.Tensor =>
      tf.reshape(x, axis === 1 ? [m, 1, c, dk] : [m, c, 1, dk]); // j on axis 2, or i on axis 1
    // E [M, C, C, Dk] = exp(Gq_i - G_j), exactly 0 where masked (the mask is added before exp)
    const e = tf.exp(tf.add(tf.sub(at(gq, 2), at(g, 1)), mask4(c, strict)));
    const a = tf.sum(tf.mul(tf.mul(e, at(q, 2)), at(k, 1)), -1); // [M, C, C]
    save([q, k, e]);
    return { value: a, gradFunc: backward };
  };
}

const backward: Grad = (da, saved) => {
  const [q, k, e] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
  const [m, c, dk] = q.shape as [number, number, number];
  const dae = tf.mul(e, tf.reshape(da, [m, c, c, 1])); // [M, C(i), C(j), Dk]
  const dq = tf.sum(tf.mul(dae, tf.reshape(k, [m, 1, c, dk])), 2); // [M, C, Dk]
  const dk2 = tf.sum(tf.mul(dae, tf.reshape(q, [m, c, 1, dk])), 1); // [M, C, Dk]
  return [dq, dk2, tf.mul(q, dq), tf.neg(tf.mul(k, dk2))];
};

const byStrict = new Map<
  boolean,
  (q: tf.Tensor, k: tf.Tensor, gq: tf.Tensor, g: tf.Tensor) => tf.Tensor
>();

/**
 * A [M, C, C] = sum_d q[i, d] k[j, d] exp(Gq[i, d] - G[j, d]) over allowed j (j <= i, or j < i
 * when strict), for q, k, Gq, G [M, C, Dk].
 */
export function channelScores(
  q: tf.Tensor,
  k: tf.Tensor,
  gq: tf.Tensor,
  g: tf.Tensor,
  strict: boolean,
): tf.Tensor {
  let f = byStrict.get(strict);
  if (!f) {
    const cg = tf.customGrad(
      scores(strict) as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0],
    );
    f = (a, b, c, d) => cg(a, b, c, d);
    byStrict.set(strict, f);
  }
  return f(q, k, gq, g);
}
