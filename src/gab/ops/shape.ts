// Shape ops and the constants (full, tril, positions). Constants carry no gradient.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '../contract';
import { onWasm } from './kernels';
import { concatWasm, splitWasm } from './rowwise-seq';
import { sliceWasm, tileWasm } from './rowwise-slice';
import { axisOf, check, lowerMask, t } from './util';

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((n) => n !== -1).reduce((p, n) => p * n, 1);
  const size = x.shape.reduce((p, n) => p * n, 1);
  const free = shape.filter((n) => n === -1).length;
  check(
    free <= 1 && (free === 1 ? known > 0 && size % known === 0 : known === size),
    'reshape',
    `cannot reshape [${x.shape.join(', ')}] (${size} values) to [${shape.join(', ')}]`,
  );
  return tf.reshape(t(x), [...shape]);
}

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  const sorted = [...perm].sort((p, q) => p - q);
  check(
    perm.length === x.rank && sorted.every((p, i) => p === i),
    'transpose',
    `perm [${perm.join(', ')}] is not a permutation of the ${x.rank} axes`,
  );
  return tf.transpose(t(x), [...perm]);
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  check(xs.length > 0, 'concat', 'needs at least one tensor');
  const a = axisOf('concat', axis, xs[0].rank);
  const ts = xs.map(t);
  if (ts.length > 1 && onWasm(...ts) && fitsConcat(ts, a)) {
    return concatWasm(ts, a); // row copies; tfjs's wasm Concat and SplitV are slow
  }
  return tf.concat(ts, a);
}

/** Whether the tensors share every axis but `axis` (else tf.concat reports the mismatch). */
function fitsConcat(xs: tf.Tensor[], axis: number): boolean {
  const s0 = xs[0].shape;
  return xs.every(
    (x) => x.rank === s0.length && x.shape.every((n, i) => i === axis || n === s0[i]),
  );
}

export function split(x: Tensor, sizes: number | readonly number[], axis: number): Tensor[] {
  const a = axisOf('split', axis, x.rank);
  const n = x.shape[a];
  if (typeof sizes === 'number') {
    check(
      n % sizes === 0,
      'split',
      `axis ${axis} of size ${n} does not split into ${sizes} equal parts`,
    );
    return splitOn(t(x), new Array<number>(sizes).fill(n / sizes), a);
  }
  const total = sizes.reduce((p, s) => p + s, 0);
  check(total === n, 'split', `sizes [${sizes.join(', ')}] sum to ${total}, axis ${axis} has ${n}`);
  return splitOn(t(x), [...sizes], a);
}

function splitOn(x: tf.Tensor, sizes: number[], axis: number): tf.Tensor[] {
  if (sizes.length === 1) {
    return [tf.clone(x)]; // tfjs's SplitV gradient fails on one piece ('at least one tensor')
  }
  if (sizes.length > 1 && sizes.every((s) => s > 0) && onWasm(x)) {
    return splitWasm(x, sizes, axis);
  }
  return tf.split(x, sizes, axis);
}

export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  check(
    begin.length === x.rank && size.length === x.rank,
    'slice',
    `begin and size need ${x.rank} entries (shape [${x.shape.join(', ')}])`,
  );
  // tfjs checks the box on cpu only: on wasm an overflowing box reads past x (other tensors' data)
  x.shape.forEach((n, a) => {
    const [b, z] = [begin[a], size[a]];
    check(
      Number.isInteger(b) && Number.isInteger(z) && b >= 0 && (z === -1 || (z >= 0 && b + z <= n)),
      'slice',
      `axis ${a}: begin ${b} and size ${z} do not fit in its ${n} entries (shape [${x.shape.join(', ')}])`,
    );
  });
  const xt = t(x);
  return (
    (onWasm(xt) ? sliceWasm(xt, begin, size) : undefined) ?? tf.slice(xt, [...begin], [...size])
  );
}

export function tile(x: Tensor, reps: readonly number[]): Tensor {
  check(reps.length === x.rank, 'tile', `reps need ${x.rank} entries, got ${reps.length}`);
  check(
    reps.every((r) => Number.isInteger(r) && r >= 1),
    'tile',
    `reps must be positive integers, got [${reps.join(', ')}]`,
  );
  return onWasm(t(x)) ? tileWasm(t(x), reps) : tf.tile(t(x), [...reps]);
}

export const full = (shape: readonly number[], value: number): Tensor =>
  tf.fill([...shape], value, 'float32');

export const tril = (n: number, strict = false): Tensor => lowerMask(n, strict);

export const positions = (length: number): Tensor => tf.range(0, length, 1, 'float32');
