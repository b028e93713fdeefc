// Sequence ops, all causal along axis 1 ([B, L, ...]) or axis 2 ([B, H, L, Dh]).
// No conv kernels (their gradients are missing on wasm) and no cumsum gradient on a
// non-last axis (broken in tfjs-core): shifts are pad + slice, cumsum runs on the last axis.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '../contract';
import { groupedAttention } from './attention';
import { bmm } from './linalg';
import { onWasm } from './kernels';
import { ropeWasm, swapMiddleWasm } from './rowwise-seq';
import { additiveMask, check, requireRank, seqBack, seqLast, t } from './util';

export function splitHeads(x: Tensor, heads: number): Tensor {
  requireRank('splitHeads', 'x', x, 3);
  const [b, l, d] = x.shape as [number, number, number];
  check(
    Number.isInteger(heads) && heads > 0 && d % heads === 0,
    'splitHeads',
    `width ${d} does not split into ${heads} heads`,
  );
  return tf.tidy(() => {
    const x4 = tf.reshape(t(x), [b, l, heads, d / heads]);
    return onWasm(x4) ? swapMiddleWasm(x4) : tf.transpose(x4, [0, 2, 1, 3]); // [B, H, L, Dh]
  });
}

export function mergeHeads(x: Tensor): Tensor {
  requireRank('mergeHeads', 'x', x, 4);
  const [b, h, l, dh] = x.shape as [number, number, number, number];
  return tf.tidy(() => {
    const y = onWasm(t(x)) ? swapMiddleWasm(t(x)) : tf.transpose(t(x), [0, 2, 1, 3]); // [B, L, H, Dh]
    return tf.reshape(y, [b, l, h * dh]);
  });
}

interface RopeTables {
  readonly cos: Float32Array; // [L, Dh]: cos of each channel's angle (pairs share one)
  readonly sin: Float32Array; // [L, Dh]
  readonly rot: Float32Array; // [Dh, Dh]: x @ rot = rotate-half(x) = [-x2, x1]
}

const ropeCache = new Map<string, RopeTables>();

/** The tables of position * base^(-2i/Dh), computed on the host from shapes only. */
function ropeTables(l: number, dh: number, base: number): RopeTables {
  const key = `${l}:${dh}:${base}`;
  let tables = ropeCache.get(key);
  if (!tables) {
    const half = dh / 2;
    const cos = new Float32Array(l * dh);
    const sin = new Float32Array(l * dh);
    for (let p = 0; p < l; p++) {
      for (let i = 0; i < half; i++) {
        const angle = p * Math.pow(base, (-2 * i) / dh);
        cos[p * dh + i] = cos[p * dh + i + half] = Math.cos(angle);
        sin[p * dh + i] = sin[p * dh + i + half] = Math.sin(angle);
      }
    }
    const rot = new Float32Array(dh * dh);
    for (let i = 0; i < half; i++) {
      rot[(i + half) * dh + i] = -1; // out[i] = -x[i + half]
      rot[i * dh + i + half] = 1; // out[i + half] = x[i]
    }
    tables = { cos, sin, rot };
    ropeCache.set(key, tables);
  }
  return tables;
}

/** The tables as tensors, kept across calls: cos, sin [L, Dh] and rot [Dh, Dh]. */
const ropeTensors = new Map<string, [tf.Tensor, tf.Tensor, tf.Tensor]>();
function ropeOnDevice(l: number, dh: number, base: number): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const key = `${l}:${dh}:${base}`;
  let ts = ropeTensors.get(key);
  if (!ts || ts.some((x) => x.isDisposed)) {
    const tables = ropeTables(l, dh, base);
    ts = [
      tf.keep(tf.tensor2d(tables.cos, [l, dh])),
      tf.keep(tf.tensor2d(tables.sin, [l, dh])),
      tf.keep(tf.tensor2d(tables.rot, [dh, dh])),
    ];
    ropeTensors.set(key, ts);
  }
  return ts;
}

/** The wasm kernel's tables: cos, sin [L, Dh/2] (each pair's angle once), kept across calls. */
const ropeHalves = new Map<string, [tf.Tensor, tf.Tensor]>();
function ropeHalfTables(l: number, dh: number, base: number): [tf.Tensor, tf.Tensor] {
  const key = `${l}:${dh}:${base}`;
  let ts = ropeHalves.get(key);
  if (!ts || ts.some((x) => x.isDisposed)) {
    const { cos, sin } = ropeTables(l, dh, base);
    const half = (full: Float32Array): Float32Array =>
      Float32Array.from(
        { length: (l * dh) / 2 },
        (_, k) => full[Math.floor(k / (dh / 2)) * dh + (k % (dh / 2))],
      );
    ts = [
      tf.keep(tf.tensor2d(half(cos), [l, dh / 2])),
      tf.keep(tf.tensor2d(half(sin), [l, dh / 2])),
    ];
    ropeHalves.set(key, ts);
  }
  return ts;
}

/**
 * x [B, H, L, Dh] * cos + rotate-half(x) * sin, with its gradient in closed form: rot is
 * antisymmetric (rot^T = -rot), so dx = dy * cos - (dy * sin) @ rot.
 */
function rope(x: tf.Tensor, base: number): tf.Tensor {
  const [b, h, l, dh] = x.shape as [number, number, number, number];
  const [cos, sin, rot] = ropeOnDevice(l, dh, base);
  const turn = (y: tf.Tensor): tf.Tensor =>
    tf.reshape(tf.matMul(tf.reshape(y, [-1, dh]), rot), [b, h, l, dh]); // rotate-half, fast 2-D
  const f = tf.customGrad(((xi: tf.Tensor) => ({
    value: tf.add(tf.mul(xi, cos), tf.mul(turn(xi), sin)),
    gradFunc: (dy: tf.Tensor) => [tf.sub(tf.mul(dy, cos), turn(tf.mul(dy, sin)))],
  })) as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]);
  return f(x);
}

/**
 * RoPE: channel pairs (i, i + Dh/2) rotated by the angle of their position and frequency, as
 * x * cos + rotate-half(x) * sin, the rotate-half being a fast 2-D matmul (split/concat are slow on wasm).
 */
export function rotary(x: Tensor, base = 10000): Tensor {
  requireRank('rotary', 'x', x, 4);
  const dh = x.shape[3];
  check(dh % 2 === 0, 'rotary', `head width ${dh} must be even`);
  if (onWasm(t(x))) {
    const [cos, sin] = ropeHalfTables(x.shape[2], dh, base);
    return ropeWasm(t(x), cos, sin); // one pass each way over the pairs (rowwise.c)
  }
  return tf.tidy(() => rope(t(x), base));
}

/** softmax(q k^T * scale + causal mask) v; masked weights are exactly 0. */
export function causalAttention(q: Tensor, k: Tensor, v: Tensor, scale?: number): Tensor {
  requireRank('causalAttention', 'q', q, 4);
  requireRank('causalAttention', 'k', k, 4);
  requireRank('causalAttention', 'v', v, 4);
  const [b, h, l, dk] = q.shape as [number, number, number, number];
  const same = (x: Tensor): boolean => x.shape[0] === b && x.shape[1] === h && x.shape[2] === l;
  check(
    same(k) && same(v) && k.shape[3] === dk,
    'causalAttention',
    `q [${q.shape.join(', ')}], k [${k.shape.join(', ')}], v [${v.shape.join(', ')}] must share B, H, L (and Dk for q, k)`,
  );
  const s = scale ?? 1 / Math.sqrt(dk);
  return tf.tidy(() => {
    const q3 = tf.reshape(t(q), [b * h, l, dk]);
    const k3 = tf.reshape(t(k), [b * h, l, dk]);
    const v3 = tf.reshape(t(v), [b * h, l, -1]);
    if (tf.getBackend() === 'wasm') {
      return tf.reshape(groupedAttention(q3, k3, v3, s), [b, h, l, -1]);
    }
    const scores = tf.add(tf.mul(bmm(q3, k3, true), s), additiveMask(l)); // [BH, L, L]
    const y = bmm(tf.softmax(scores), v3); // [BH, L, Dv]
    return tf.reshape(y, [b, h, l, -1]);
  });
}

/** y[:, t] = x[:, t - steps], zeros for t < steps. */
export function shift(x: Tensor, steps = 1): Tensor {
  check(x.rank >= 2, 'shift', `x must be [B, L, ...], got [${x.shape.join(', ')}]`);
  check(
    Number.isInteger(steps) && steps >= 0,
    'shift',
    `steps must be a non-negative integer (causal), got ${steps}`,
  );
  if (steps === 0) {
    return tf.clone(t(x));
  }
  const l = x.shape[1];
  return tf.tidy(() => {
    const pads = x.shape.map((): [number, number] => [0, 0]);
    pads[1] = [steps, 0];
    const size = x.shape.map(() => -1);
    size[1] = l;
    return tf.slice(
      tf.pad(t(x), pads),
      x.shape.map(() => 0),
      size,
    );
  });
}

/** Depthwise causal conv as a sum of shifted, per-channel-scaled copies of x. */
export function causalConv1d(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  requireRank('causalConv1d', 'x', x, 3);
  requireRank('causalConv1d', 'w', w, 2);
  const [bs, l, d] = x.shape as [number, number, number];
  const kw = w.shape[0];
  check(w.shape[1] === d, 'causalConv1d', `w must be [K, ${d}], got [${w.shape.join(', ')}]`);
  check(b === undefined || (b.rank === 1 && b.shape[0] === d), 'causalConv1d', `b must be [${d}]`);
  return tf.tidy(() => {
    const xp = tf.pad(t(x), [
      [0, 0],
      [kw - 1, 0],
      [0, 0],
    ]); // [B, L + K - 1, D]
    let y: tf.Tensor | undefined = b === undefined ? undefined : t(b);
    for (let i = 0; i < kw; i++) {
      // tap i sees x[t - K + 1 + i]: window starting at i of the padded sequence
      const term = tf.mul(tf.slice(xp, [0, i, 0], [bs, l, d]), tf.slice(t(w), [i, 0], [1, d]));
      y = y === undefined ? term : tf.add(y, term);
    }
    return y!;
  });
}

/**
 * Inclusive cumsum along axis 1. tf's cumsum gradient is broken on any axis but the last, so the
 * sequence axis is moved last and back (measured faster on wasm than a triangular matmul).
 */
export function cumsum(x: Tensor): Tensor {
  check(x.rank >= 2, 'cumsum', `x must be [B, L, ...], got [${x.shape.join(', ')}]`);
  if (x.rank === 2) {
    return tf.cumsum(t(x), 1);
  }
  return tf.tidy(() => seqBack(tf.cumsum(seqLast(t(x)), x.rank - 1)));
}
