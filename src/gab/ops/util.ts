// Helpers shared by the op modules: casts between the contract's opaque Tensor and tf.Tensor,
// axis normalisation, shape checks with errors that name the op.
import * as tf from '@tensorflow/tfjs-core';
import type { Operand, Tensor } from '../contract';
import { GabError } from '../errors';

/** The contract Tensor is an opaque view of a tf.Tensor. */
export const t = (x: Tensor): tf.Tensor => x as unknown as tf.Tensor;

/** A second operand: tf accepts plain numbers as scalars. */
export const o = (x: Operand): tf.Tensor | number => (typeof x === 'number' ? x : t(x));

/** Large negative used in additive masks: exp(-1e9 - m) is exactly 0 in float32. */
export const MASKED = -1e9;

/** Normalises a possibly negative axis against `rank`, or throws naming the op. */
export function axisOf(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new GabError(`ops.${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** Throws unless `x` has the given rank. */
export function requireRank(op: string, name: string, x: Tensor, rank: number): void {
  if (x.rank !== rank) {
    throw new GabError(
      `ops.${op}: ${name} must have rank ${rank}, got shape [${x.shape.join(', ')}]`,
    );
  }
}

/** Throws with a message naming the op when `ok` is false. */
export function check(ok: boolean, op: string, message: string): void {
  if (!ok) {
    throw new GabError(`ops.${op}: ${message}`);
  }
}

/** Swaps the last two axes (an explicit transpose, so the following matmul is a plain one). */
export function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
}

/** Moves axis 1 to the end: [B, L, ...rest] to [B, ...rest, L]. */
export function seqLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
  return tf.transpose(x, perm);
}

/** Inverse of seqLast: [B, ...rest, L] to [B, L, ...rest]. */
export function seqBack(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
  return tf.transpose(x, perm);
}

/**
 * The constant causal mask [L, L], built on the device from two ranges (no host upload):
 * 1 where col <= row (col < row when strict), else 0.
 */
export function lowerMask(n: number, strict = false): tf.Tensor {
  return tf.tidy(() => {
    const row = tf.reshape(tf.range(0, n, 1, 'float32'), [n, 1]);
    const col = tf.reshape(tf.range(0, n, 1, 'float32'), [1, n]);
    const keep = strict ? tf.less(col, row) : tf.lessEqual(col, row);
    return tf.cast(keep, 'float32');
  });
}

/** The additive mask [L, L]: 0 where allowed, MASKED above the diagonal (or on it when strict). */
export function additiveMask(n: number, strict = false): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sub(1, lowerMask(n, strict)), MASKED));
}
