// linear and matmul. On wasm only plain (non-transposed) matmuls hit the fast path, and tf's own
// matmul gradient uses the transposed forms; so both ops carry a custom gradient that transposes
// explicitly and then multiplies plainly (3-5x faster training, see shared/notes).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '../contract';
import { GabError } from '../errors';
import { check, swapLast, t } from './util';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Fwd = (
  a: tf.Tensor,
  b: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: Grad };

/** Wraps a two-input forward with a custom gradient (tf's typings take a variadic function). */
function custom2(f: Fwd): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  const g = tf.customGrad(f as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]);
  return (a, b) => g(a, b);
}

/** a [m, k] @ b [k, n], wasm's fast path; its gradient is two more plain products on explicit transposes. */
export const plainMatMul = custom2((a, b, save) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)];
    },
  };
});

/** x [..., in] @ w [in, out] (+ b [out]) to [..., out], as one 2-D matmul. */
export function linear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  check(w.rank === 2, 'linear', `w must be [in, out], got [${w.shape.join(', ')}]`);
  const [din, dout] = w.shape as [number, number];
  const lead = x.shape.slice(0, -1);
  check(
    x.rank >= 1 && x.shape[x.rank - 1] === din,
    'linear',
    `x [${x.shape.join(', ')}] must end in ${din} (w is [${din}, ${dout}])`,
  );
  check(
    b === undefined || (b.rank === 1 && b.shape[0] === dout),
    'linear',
    `b must be [${dout}], got [${b?.shape.join(', ') ?? ''}]`,
  );
  return tf.tidy(() => {
    const x2 = tf.reshape(t(x), [-1, din]); // [N, in]
    let y = plainMatMul(x2, t(w)); // [N, out]
    if (b !== undefined) {
      y = tf.add(y, t(b));
    }
    return tf.reshape(y, [...lead, dout]);
  });
}

/** Batched a [..., m, k] @ b [..., k, n] (or b [..., n, k] with transposeB) to [..., m, n]. */
export function matmul(a: Tensor, b: Tensor, transposeB = false): Tensor {
  check(a.rank >= 2 && b.rank >= 2, 'matmul', 'both operands need rank >= 2');
  const ka = a.shape[a.rank - 1];
  const kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  check(
    ka === kb,
    'matmul',
    `inner sizes differ: a [${a.shape.join(', ')}], b [${b.shape.join(', ')}]` +
      (transposeB ? ' (transposeB)' : ''),
  );
  return tf.tidy(() => {
    if (b.shape.slice(0, -2).every((n) => n === 1) && b.rank <= a.rank) {
      // one b shared by every batch item: a single 2-D product on a's stacked rows (fast path)
      const b2 = tf.reshape(t(b), b.shape.slice(-2));
      const y = plainMatMul(tf.reshape(t(a), [-1, ka]), transposeB ? tf.transpose(b2) : b2);
      return tf.reshape(y, [...a.shape.slice(0, -1), y.shape[1]!]);
    }
    const [a2, b2] = sameBatch(t(a), t(b)) ? [t(a), t(b)] : broadcastBatch(t(a), t(b));
    return bmm(a2, b2, transposeB);
  });
}

/**
 * Multiply-adds per product above which, on wasm, a loop of 2-D fast-path products beats the
 * batched kernel (fwd+bwd measured: 0.4x as fast at 262k, 1.8x at 2.1M, 4.3x at 16.8M).
 */
const LOOP_MACS = 1 << 20;

/**
 * a [..., m, k] @ b [..., k, n] (b [..., n, k] with transposeB), equal batch shapes. A single
 * product takes the 2-D fast path; on wasm large products loop over 2-D ones; otherwise tf's
 * batched kernel and gradient (on wasm it runs about 2 GFLOP/s in every transposed form).
 */
export function bmm(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
  const lead = a.shape.slice(0, -2);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  const count = lead.reduce((p, x) => p * x, 1);
  if (count > 1 && (m * k * n < LOOP_MACS || tf.getBackend() !== 'wasm')) {
    return tf.matMul(a, b, false, transposeB);
  }
  // (not unstack for one product: tf's Unpack gradient fails when it has a single output)
  const as = count === 1 ? [tf.reshape(a, [m, k])] : tf.unstack(tf.reshape(a, [count, m, k]));
  const b3 = tf.reshape(b, [count, ...b.shape.slice(-2)]);
  const bs = count === 1 ? [tf.squeeze(b3, [0])] : tf.unstack(b3);
  const ys = as.map((x, i) => plainMatMul(x, transposeB ? tf.transpose(bs[i]) : bs[i])); // [m, n]
  return tf.reshape(count === 1 ? ys[0] : tf.stack(ys), [...lead, m, n]);
}

function sameBatch(a: tf.Tensor, b: tf.Tensor): boolean {
  return a.rank === b.rank && a.shape.slice(0, -2).every((n, i) => n === b.shape[i]);
}

/** Broadcasts the batch axes of both operands to a common shape (tf's own gradient cannot). */
function broadcastBatch(a: tf.Tensor, b: tf.Tensor): [tf.Tensor, tf.Tensor] {
  let batch: number[];
  try {
    batch = tf.broadcast_util.assertAndGetBroadcastShape(
      a.shape.slice(0, -2),
      b.shape.slice(0, -2),
    );
  } catch {
    throw new GabError(
      `ops.matmul: batch axes of a [${a.shape.join(', ')}] and b [${b.shape.join(', ')}] do not broadcast`,
    );
  }
  const to = (x: tf.Tensor): tf.Tensor => {
    const mat = x.shape.slice(-2);
    const lifted = tf.reshape(x, [...Array<number>(batch.length + 2 - x.rank).fill(1), ...x.shape]);
    return tf.broadcastTo(lifted, [...batch, ...mat]);
  };
  return [to(a), to(b)];
}
