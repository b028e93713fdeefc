// linearScan's chunked tfjs formulation (every backend but wasm, where kernels/scan.c runs the
// recurrence): within a chunk of C steps it is a masked, decayed attention; across chunks a short
// loop carries the state. Every decay factor is exp of a non-positive sum, and masked entries are
// pushed to -1e9 BEFORE exp, so no inf * 0 = NaN can appear.
// The intra-chunk scores with per-channel decay have a hand-written gradient: tf's own gradient
// of the elementwise form keeps about ten [M, C, C, Dk] tensors alive and recomputes broadcasts;
// this one keeps one (the decay E) and needs three more products: with dAE = dA * E,
// dq = sum_j dAE k, dk = sum_i dAE q, and since A is a sum of q k E with exponent Gq_i - G_j,
// dGq = q * dq and dG = -k * dk.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '../contract';
import { gemm } from './gemm';
import { onWasm } from './kernels';
import { bmm } from './linalg';
import type { ScanOptions } from './scan';
import { additiveMask, swapLast, t } from './util';

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
function channelScores(
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

/** Inclusive cumsum over axis 1 of x [M, C, Dg], on the last axis (tf's cumsum gradient needs it). */
function chunkCumsum(x: tf.Tensor): tf.Tensor {
  const [m, c, dg] = x.shape as [number, number, number];
  if (dg === 1) {
    return tf.reshape(tf.cumsum(tf.reshape(x, [m, c]), 1), [m, c, 1]);
  }
  return swapLast(tf.cumsum(swapLast(x), 2));
}

/** Intra-chunk scores A [M, C, C]: sum_d q[i,d] k[j,d] exp(Gq[i,d] - G[j,d]) over allowed j. */
function intraScores(
  q: tf.Tensor,
  k: tf.Tensor,
  gq: tf.Tensor,
  g: tf.Tensor,
  strict: boolean,
): tf.Tensor {
  const [m, c, dg] = g.shape as [number, number, number];
  if (dg === 1) {
    const mask = additiveMask(c, strict); // [C, C]: 0 or -1e9
    const diff = tf.sub(gq, tf.reshape(g, [m, 1, c])); // [M, C, C]
    return tf.mul(bmm(q, k, true), tf.exp(tf.add(diff, mask)));
  }
  return channelScores(q, k, gq, g, strict);
}

/** States entering each chunk, [BH*N, Dk, Dv]: S_0 = 0, S_{n+1} = decay_n * S_n + kv_n. */
function chunkStates(kv: tf.Tensor, decay: tf.Tensor, bh: number, n: number): tf.Tensor {
  const [, dk, dv] = kv.shape as [number, number, number];
  if (n === 1) {
    return tf.zeros([bh, dk, dv]);
  }
  // chunk axis first, so that unstack and stack move contiguous blocks
  const kvs = tf.unstack(tf.transpose(tf.reshape(kv, [bh, n, dk, dv]), [1, 0, 2, 3])); // N x [BH, Dk, Dv]
  const dg = decay.shape[2]!;
  const decays = tf.unstack(
    tf.reshape(tf.transpose(tf.reshape(decay, [bh, n, dg]), [1, 0, 2]), [n, bh, dg, 1]),
  );
  const states: tf.Tensor[] = [tf.zeros([bh, dk, dv])];
  for (let i = 0; i + 1 < n; i++) {
    states.push(tf.add(tf.mul(states[i], decays[i]), kvs[i]));
  }
  return tf.reshape(tf.transpose(tf.stack(states), [1, 0, 2, 3]), [bh * n, dk, dv]);
}

/** linearScan on tfjs ops, C steps a chunk; the arguments were validated. */
export function chunkedScan(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  logDecay: Tensor,
  opts: ScanOptions,
  c: number,
): Tensor {
  const strict = opts.exclusive === true;
  const [b, h, l, dk] = q.shape as [number, number, number, number];
  const dv = v.shape[3];
  const dg = logDecay.shape[3];
  const n = Math.ceil(l / c);
  const m = b * h * n;
  return tf.tidy(() => {
    const pad = n * c - l;
    // zeros past L: k = v = 0 adds nothing, g = 0 decays nothing; sliced off at the end
    const chunked = (x: Tensor, d: number): tf.Tensor =>
      tf.reshape(
        pad > 0
          ? tf.pad(t(x), [
              [0, 0],
              [0, 0],
              [0, pad],
              [0, 0],
            ])
          : t(x),
        [m, c, d],
      );
    const qc = chunked(q, dk); // [M, C, Dk]
    const kc = chunked(k, dk);
    const vc = chunked(v, dv); // [M, C, Dv]
    const gc = chunked(logDecay, dg); // [M, C, Dg]
    const gIn = chunkCumsum(gc); // inclusive G_i, from the chunk start
    const gQ = strict ? tf.sub(gIn, gc) : gIn; // query side: G_i, or G_{i-1} when exclusive
    const yIntra = bmm(intraScores(qc, kc, gQ, gIn, strict), vc); // [M, C, Dv]

    const gLast = tf.slice(gIn, [0, c - 1, 0], [m, 1, dg]); // [M, 1, Dg]
    const kDec = tf.mul(kc, tf.exp(tf.sub(gLast, gIn))); // k_j decayed to the chunk end
    // k^T v per chunk; on wasm the GEMM kernel reads k transposed in place (tf's was ~20x slower)
    const kv = onWasm(kDec, vc) ? gemm(kDec, vc, 'tn') : tf.matMul(kDec, vc, true); // [M, Dk, Dv]
    const states = chunkStates(kv, tf.exp(gLast), b * h, n); // [M, Dk, Dv]
    const yInter = bmm(tf.mul(qc, tf.exp(gQ)), states); // [M, C, Dv]

    let y = tf.reshape(tf.add(yIntra, yInter), [b, h, n * c, dv]);
    if (pad > 0) {
      y = tf.slice(y, [0, 0, 0, 0], [b, h, l, dv]);
    }
    if (opts.bonus !== undefined) {
      const u = tf.reshape(t(opts.bonus), [1, h, 1, dk]);
      y = tf.add(y, tf.mul(tf.sum(tf.mul(tf.mul(t(q), u), t(k)), -1, true), t(v))); // RWKV's u term
    }
    return y;
  });
}
