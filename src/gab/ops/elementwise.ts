// Elementwise ops and reductions. Composites use kernels every backend has (wasm included)
// and avoid tf.pow (20x slower than products on wasm).
import * as tf from '@tensorflow/tfjs-core';
import type { Operand, Tensor } from '../contract';
import { onWasm } from './kernels';
import { geluWasm, mulWasm, sigmoidWasm, siluWasm, tanhWasm } from './rowwise';
import { axisOf, check, o, t } from './util';

const GELU_C = Math.sqrt(2 / Math.PI);

export const add = (a: Tensor, b: Operand): Tensor => tf.add(t(a), o(b));
export const sub = (a: Tensor, b: Operand): Tensor => tf.sub(t(a), o(b));
export const div = (a: Tensor, b: Operand): Tensor => tf.div(t(a), o(b));
export const maximum = (a: Tensor, b: Operand): Tensor => tf.maximum(t(a), o(b));
export const minimum = (a: Tensor, b: Operand): Tensor => tf.minimum(t(a), o(b));
export const neg = (x: Tensor): Tensor => tf.neg(t(x));
export const exp = (x: Tensor): Tensor => tf.exp(t(x));
export const log = (x: Tensor): Tensor => tf.log(t(x));
export const sqrt = (x: Tensor): Tensor => tf.sqrt(t(x));
export const rsqrt = (x: Tensor): Tensor => tf.rsqrt(t(x));
export const square = (x: Tensor): Tensor => tf.square(t(x));
export const abs = (x: Tensor): Tensor => tf.abs(t(x));
export const tanh = (x: Tensor): Tensor => (onWasm(t(x)) ? tanhWasm(t(x)) : tf.tanh(t(x)));
export const sigmoid = (x: Tensor): Tensor => (onWasm(t(x)) ? sigmoidWasm(t(x)) : tf.sigmoid(t(x)));
export const relu = (x: Tensor): Tensor => tf.relu(t(x));

export function clamp(x: Tensor, lo: number, hi: number): Tensor {
  check(lo <= hi, 'clamp', `lo (${lo}) must not exceed hi (${hi})`);
  return tf.clipByValue(t(x), lo, hi);
}

/** a * b; on wasm, where one operand's values repeat along the other, one kernel each way. */
export function mul(a: Tensor, b: Operand): Tensor {
  if (typeof b !== 'number' && onWasm(t(a), t(b))) {
    if (repeatsAlong(b, a)) {
      return mulWasm(t(a), t(b));
    }
    if (repeatsAlong(a, b)) {
      return mulWasm(t(b), t(a)); // a product commutes exactly
    }
  }
  return tf.mul(t(a), o(b));
}

/** Whether small broadcasts to big's shape by leading repeats: its shape (leading 1s aside) ends big's. */
function repeatsAlong(small: Tensor, big: Tensor): boolean {
  const first = small.shape.findIndex((n) => n !== 1);
  const core = first < 0 ? [] : small.shape.slice(first);
  const off = big.rank - core.length;
  return small.rank <= big.rank && off >= 0 && core.every((n, i) => n === big.shape[off + i]);
}

/** x sigmoid(x); one fused kernel each way on wasm. */
export function silu(x: Tensor): Tensor {
  if (onWasm(t(x))) {
    return siluWasm(t(x));
  }
  return tf.tidy(() => tf.mul(t(x), tf.sigmoid(t(x))));
}

/** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), the cube as products. */
export function gelu(x: Tensor): Tensor {
  if (onWasm(t(x))) {
    return geluWasm(t(x));
  }
  return tf.tidy(() => {
    const v = t(x);
    const inner = tf.mul(tf.add(v, tf.mul(0.044715, tf.mul(v, tf.square(v)))), GELU_C);
    return tf.mul(tf.mul(v, 0.5), tf.add(1, tf.tanh(inner)));
  });
}

/** log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large |x|. */
export function softplus(x: Tensor): Tensor {
  return tf.tidy(() => tf.add(tf.relu(t(x)), tf.log1p(tf.exp(tf.neg(tf.abs(t(x)))))));
}

/** log(sigmoid(x)) = min(x, 0) - log1p(e^-|x|), always <= 0. */
export function logSigmoid(x: Tensor): Tensor {
  return tf.tidy(() => tf.sub(tf.minimum(t(x), 0), tf.log1p(tf.exp(tf.neg(tf.abs(t(x)))))));
}

export function sum(x: Tensor, axis: number, keepDims = false): Tensor {
  return tf.sum(t(x), axisOf('sum', axis, x.rank), keepDims);
}

export function mean(x: Tensor, axis: number, keepDims = false): Tensor {
  return tf.mean(t(x), axisOf('mean', axis, x.rank), keepDims);
}

/** tf.softmax works on the last axis only: other axes are moved there and back. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const a = axisOf('softmax', axis, x.rank);
  const last = x.rank - 1;
  if (a === last) {
    return tf.softmax(t(x));
  }
  return tf.tidy(() => {
    const perm = x.shape.map((_, i) => i);
    [perm[a], perm[last]] = [last, a]; // a swap is its own inverse
    return tf.transpose(tf.softmax(tf.transpose(t(x), perm)), perm);
  });
}
