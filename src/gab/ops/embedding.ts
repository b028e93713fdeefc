// The two ends of the LM (src/model/lm.ts), not block ops: the embedding lookup and the mean
// cross-entropy, each with a closed-form gradient. On wasm, gather's own gradient needs
// UnsortedSegmentSum (missing there), and oneHot @ E spends a [N, V] @ [V, D] product forward and
// another on the unused gradient of the one-hot; here the forward is a gather and the only
// backward product is dE = oneHot^T @ dY, a plain 2-D matmul (wasm's fast path).
import * as tf from '@tensorflow/tfjs-core';
import { gemm } from './gemm';
import { onWasm } from './kernels';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Fwd1 = (x: tf.Tensor, save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: Grad };

/** oneHot as float32: wasm's OneHot kernel ignores the dtype (writes int32 bits), so cast. */
const oneHotF32 = (ids: tf.Tensor, v: number): tf.Tensor =>
  tf.cast(tf.oneHot(ids as tf.Tensor1D, v), 'float32');

const custom1 = (f: Fwd1): ((x: tf.Tensor) => tf.Tensor) => {
  const g = tf.customGrad(f as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]);
  return (x) => g(x);
};

/** Rows of e [V, D] picked by ids [...] (int32, each in [0, V)) to [..., D]; differentiable in e. */
export function embedLookup(ids: tf.Tensor, e: tf.Tensor): tf.Tensor {
  const [v, d] = e.shape as [number, number];
  const flat = tf.reshape(tf.cast(ids, 'int32'), [-1]); // [N]
  // the ids travel to the gradient through save(): a closure would see them disposed by tidy
  const f = custom1((table, save) => {
    save([flat]);
    return {
      value: tf.reshape(tf.gather(table, flat), [...ids.shape, d]),
      gradFunc: (dy, saved) => {
        const dy2 = tf.reshape(dy, [-1, d]); // [N, D]
        if (onWasm(dy2)) {
          return [gemm(oneHotF32(saved[0], v), dy2, 'tn')]; // [V, D], oneHot read transposed
        }
        const onehotT = tf.transpose(oneHotF32(saved[0], v)); // [V, N]
        return [tf.matMul(onehotT, dy2)]; // [V, D]
      },
    };
  });
  return f(e);
}

/**
 * The tied output head: h [..., D] @ e^T for e [V, D], to logits [..., V]. The forward multiplies
 * by an explicit e^T (plain matmul, wasm's fast path); in the backward dh = dY @ e is plain and
 * dE = dY^T @ h needs one transpose (the linear op's generic gradient needed three).
 */
export function tiedHead(h: tf.Tensor, e: tf.Tensor): tf.Tensor {
  const [v, d] = e.shape as [number, number];
  const lead = h.shape.slice(0, -1);
  if (onWasm(h, e)) {
    // wasm: h @ e^T on the GEMM kernels, whose gradients are the same products with no transpose
    return tf.reshape(gemm(tf.reshape(h, [-1, d]), e, 'nt'), [...lead, v]);
  }
  const g = tf.customGrad(((h2: tf.Tensor, table: tf.Tensor, save: tf.GradSaveFunc) => {
    save([h2, table]);
    return {
      value: tf.matMul(h2, tf.transpose(table)), // [N, V]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sh, se] = saved as [tf.Tensor, tf.Tensor];
        // dE = dY^T h: XNNPACK packs the right operand on every call, h [N, D] is the smaller
        return [tf.matMul(dy, se), tf.matMul(tf.transpose(dy), sh)]; // [N, D], [V, D]
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]);
  return tf.reshape(g(tf.reshape(h, [-1, d]), e), [...lead, v]);
}

/**
 * Mean over positions of -log softmax(logits)[target], for logits [..., V] and targets [...]
 * (int32). Gradient: (softmax(logits) - oneHot(targets)) * dy / N.
 */
export function meanCrossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  const v = logits.shape[logits.rank - 1];
  const flat = tf.reshape(tf.cast(targets, 'int32'), [-1]); // [N]
  const n = flat.shape[0];
  const f = custom1((z, save) => {
    const onehot = oneHotF32(flat, v); // [N, V]
    const logp = tf.logSoftmax(tf.reshape(z, [n, v])); // [N, V]
    save([logp, onehot]);
    return {
      value: tf.div(tf.neg(tf.sum(tf.mul(logp, onehot))), n),
      gradFunc: (dy, saved) => {
        const [slogp, sonehot] = saved as [tf.Tensor, tf.Tensor];
        const p = tf.exp(slogp); // softmax [N, V]
        return [tf.reshape(tf.mul(tf.sub(p, sonehot), tf.div(dy, n)), z.shape)];
      },
    };
  });
  return f(logits) as tf.Scalar;
}
