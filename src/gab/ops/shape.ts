// Shape ops and the constants (full, tril, positions). Constants carry no gradient.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '../contract';
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
  return tf.concat(xs.map(t), a);
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
    return tf.split(t(x), sizes, a);
  }
  const total = sizes.reduce((p, s) => p + s, 0);
  check(total === n, 'split', `sizes [${sizes.join(', ')}] sum to ${total}, axis ${axis} has ${n}`);
  return tf.split(t(x), [...sizes], a);
}

export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  check(
    begin.length === x.rank && size.length === x.rank,
    'slice',
    `begin and size need ${x.rank} entries (shape [${x.shape.join(', ')}])`,
  );
  return tf.slice(t(x), [...begin], [...size]);
}

export function tile(x: Tensor, reps: readonly number[]): Tensor {
  check(reps.length === x.rank, 'tile', `reps need ${x.rank} entries, got ${reps.length}`);
  return tf.tile(t(x), [...reps]);
}

export const full = (shape: readonly number[], value: number): Tensor =>
  tf.fill([...shape], value, 'float32');

export const tril = (n: number, strict = false): Tensor => lowerMask(n, strict);

export const positions = (length: number): Tensor => tf.range(0, length, 1, 'float32');
