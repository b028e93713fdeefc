// linearScan: the chunked linear recurrence S_t = diag(exp(g_t)) S_{t-1} + k_t^T v_t, y_t = q_t S_t
// (or q_t S_{t-1} when exclusive). Within a chunk of C steps it is a masked, decayed attention;
// across chunks a short loop carries the state. Every decay factor is exp of a non-positive sum,
// and masked entries are pushed to -1e9 BEFORE exp, so no inf * 0 = NaN can appear.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '../contract';
import { gemm, gemmApplies } from './gemm';
import { bmm } from './linalg';
import { channelScores } from './scan-intra';
import { additiveMask, check, requireRank, swapLast, t } from './util';

export interface ScanOptions {
  readonly exclusive?: boolean;
  readonly bonus?: Tensor;
  readonly chunk?: number;
}

function validate(q: Tensor, k: Tensor, v: Tensor, g: Tensor, bonus?: Tensor): void {
  for (const [name, x] of [
    ['q', q],
    ['k', k],
    ['v', v],
    ['logDecay', g],
  ] as const) {
    requireRank('linearScan', name, x, 4);
  }
  const [b, h, l, dk] = q.shape as [number, number, number, number];
  const lead = (x: Tensor): boolean => x.shape[0] === b && x.shape[1] === h && x.shape[2] === l;
  const dg = g.shape[3];
  check(
    lead(k) && lead(v) && lead(g) && k.shape[3] === dk && (dg === 1 || dg === dk),
    'linearScan',
    `expected q, k [B, H, L, Dk], v [B, H, L, Dv], logDecay [B, H, L, Dk or 1]; got q [${q.shape.join(', ')}], ` +
      `k [${k.shape.join(', ')}], v [${v.shape.join(', ')}], logDecay [${g.shape.join(', ')}]`,
  );
  check(
    bonus === undefined || (bonus.rank === 2 && bonus.shape[0] === h && bonus.shape[1] === dk),
    'linearScan',
    `bonus must be [${h}, ${dk}], got [${bonus?.shape.join(', ') ?? ''}]`,
  );
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

export function linearScan(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  logDecay: Tensor,
  opts: ScanOptions = {},
): Tensor {
  validate(q, k, v, logDecay, opts.bonus);
  const c = opts.chunk ?? 16;
  check(Number.isInteger(c) && c > 0, 'linearScan', `chunk must be a positive integer, got ${c}`);
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
    const kv = gemmApplies(kDec, vc) ? gemm(kDec, vc, 'tn') : tf.matMul(kDec, vc, true); // [M, Dk, Dv]
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
