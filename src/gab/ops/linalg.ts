// linear and matmul. On wasm the 2-D products (and the batched ones) run on Blocksmith's own
// GEMM kernels (gemm.ts), whose gradients are the same kernels in transposed layouts: no
// transposed copy of an activation is made forward or backward. Elsewhere a custom gradient
// transposes explicitly and multiplies plainly (tf's own gradient uses the transposed forms).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '../contract';
import { GabError } from '../errors';
import { gemm, gemmBias } from './gemm';
import { onWasm } from './kernels';
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

/** a [m, k] @ b [k, n] off wasm: its gradient is two more plain products on explicit transposes. */
const plainTf = custom2((a, b, save) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      // dB as (dY^T A)^T: XNNPACK packs the right operand on every call, so packing A [m, k]
      // beats packing dY [m, n] when n > k (A^T dY measured 1.3-1.7x slower at 250k's shapes)
      return [tf.matMul(dy, swapLast(sb)), swapLast(tf.matMul(swapLast(dy), sa))];
    },
  };
});

/** a [m, k] @ b [k, n] (b [n, k] with transposeB): the GEMM kernels on wasm, else plainTf. */
export function plainMatMul(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
  if (onWasm(a, b)) {
    return gemm(a, b, transposeB ? 'nt' : 'nn');
  }
  return plainTf(a, transposeB ? tf.transpose(b) : b);
}

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
    let y: tf.Tensor;
    if (b !== undefined && onWasm(x2, t(w), t(b))) {
      y = gemmBias(x2, t(w), t(b)); // [N, out]
    } else {
      y = plainMatMul(x2, t(w)); // [N, out]
      if (b !== undefined) {
        y = tf.add(y, t(b));
      }
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
      const y = plainMatMul(tf.reshape(t(a), [-1, ka]), b2, transposeB);
      return tf.reshape(y, [...a.shape.slice(0, -1), y.shape[1]!]);
    }
    const [a2, b2] = sameBatch(t(a), t(b)) ? [t(a), t(b)] : broadcastBatch(t(a), t(b));
    return bmm(a2, b2, transposeB);
  });
}

/**
 * a [..., m, k] @ b [..., k, n] (b [..., n, k] with transposeB), equal batch shapes. A single
 * product takes the 2-D path; on wasm several run on the batched GEMM kernel (at the scans'
 * shapes 2-3.5x faster than the depthwise-convolution formulation it replaces, 3-8x than tf's
 * batched matmul); elsewhere tf's batched kernel and gradient.
 */
export function bmm(a: tf.Tensor, b: tf.Tensor, transposeB = false): tf.Tensor {
  const lead = a.shape.slice(0, -2);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  const count = lead.reduce((p, x) => p * x, 1);
  if (count === 1) {
    const b2 = tf.reshape(b, b.shape.slice(-2));
    return tf.reshape(plainMatMul(tf.reshape(a, [m, k]), b2, transposeB), [...lead, m, n]);
  }
  if (!onWasm(a, b)) {
    return tf.matMul(a, b, false, transposeB);
  }
  const b3 = tf.reshape(b, [count, ...b.shape.slice(-2)]);
  const y = gemm(tf.reshape(a, [count, m, k]), b3, transposeB ? 'nt' : 'nn'); // [count, m, n]
  return tf.reshape(y, [...lead, m, n]);
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
