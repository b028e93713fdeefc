// Causal attention on wasm, forward and backward, as grouped products on XNNPACK's depthwise
// convolution (groupedProduct: 3-5x faster than wasm's batched matmul). The layouts are chosen so
// that the [G, L, L] score tensors are transposed once in the forward and once in the backward.
// Index names: g = batch * head, i = query, j = key, d = key channel, e = value channel.
import * as tf from '@tensorflow/tfjs-core';
import { groupedProduct } from './linalg';
import { additiveMask } from './util';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Fwd3 = (
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: Grad };

/** The mask as [L, 1, L], broadcast over the groups of the [i, g, j] score layout. */
const maskCache = new Map<number, tf.Tensor>();
function mask3(l: number): tf.Tensor {
  let m = maskCache.get(l);
  if (!m || m.isDisposed) {
    m = tf.keep(tf.tidy(() => tf.reshape(additiveMask(l), [l, 1, l])));
    maskCache.set(l, m);
  }
  return m;
}

/** Probabilities P [i, g, j] of q [G, L, Dk] (already scaled) against k [G, L, Dk]. */
function probabilities(qs: tf.Tensor, k: tf.Tensor): tf.Tensor {
  const l = qs.shape[1]!;
  // x = q as [i, d, g], f = k as [d, g, j]
  const scores = groupedProduct(tf.transpose(qs, [1, 2, 0]), tf.transpose(k, [2, 0, 1]));
  return tf.softmax(tf.add(scores, mask3(l))); // [i, g, j], masked weights exactly 0
}

/** One (q, k, v) scale: its forward and exact gradient. */
function attention(scale: number): (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor {
  const f: Fwd3 = (q, k, v, save) => {
    const qs = tf.mul(q, scale); // [G, L, Dk]
    const p = probabilities(qs, k); // [i, g, j]
    const pt = tf.transpose(p, [0, 2, 1]); // [i, j, g]
    // x = P as [i, j, g], f = v as [j, g, e] -> [i, g, e]
    const y = groupedProduct(pt, tf.transpose(v, [1, 0, 2]));
    save([qs, k, v, p]);
    return { value: tf.transpose(y, [1, 0, 2]), gradFunc: backward(scale) }; // [G, L, Dv]
  };
  const g = tf.customGrad(f as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]);
  return (q, k, v) => g(q, k, v);
}

/**
 * dq, dk, dv from dy [G, L, Dv] and the saved qs, k, v, P [i, g, j]. dk and dv take the [L, L]
 * operand as the filter in its [i, g, j] layout: measured faster on wasm than transposing it
 * into the image, which only dq still needs.
 */
function backward(scale: number): Grad {
  return (dy, saved) => {
    const [qs, k, v, p] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    // dP[g, i, j] = sum_e dy[g, i, e] v[g, j, e]: x = dy as [i, e, g], f = v as [e, g, j]
    const dp = groupedProduct(tf.transpose(dy, [1, 2, 0]), tf.transpose(v, [2, 0, 1]));
    // softmax backward, in the [i, g, j] layout: dS = P (dP - sum_j P dP)
    const ds = tf.mul(p, tf.sub(dp, tf.sum(tf.mul(p, dp), -1, true)));
    // dq[g, i, d] = scale sum_j dS[g, i, j] k[g, j, d]: x = dS as [i, j, g], f = k as [j, g, d]
    const dq = groupedProduct(tf.transpose(ds, [0, 2, 1]), tf.transpose(k, [1, 0, 2])); // [i, g, d]
    // dk[g, j, d] = sum_i qs[g, i, d] dS[g, i, j]: x = qs as [d, i, g], f = dS -> [d, g, j]
    const dk = groupedProduct(tf.transpose(qs, [2, 1, 0]), ds);
    // dv[g, j, e] = sum_i dy[g, i, e] P[g, i, j]: x = dy as [e, i, g], f = P -> [e, g, j]
    const dv = groupedProduct(tf.transpose(dy, [2, 1, 0]), p);
    const back = (x: tf.Tensor): tf.Tensor => tf.transpose(x, [1, 2, 0]); // [c, g, j] to [g, j, c]
    return [tf.mul(tf.transpose(dq, [1, 0, 2]), scale), back(dk), back(dv)];
  };
}

const byScale = new Map<number, (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor>();

/** softmax(q k^T * scale + causal mask) v for q, k [G, L, Dk], v [G, L, Dv]; to [G, L, Dv]. */
export function groupedAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  scale: number,
): tf.Tensor {
  let f = byScale.get(scale);
  if (!f) {
    f = attention(scale);
    byScale.set(scale, f);
  }
  return f(q, k, v);
}
