// The perturbation machinery of dynamic/causality and dynamic/batch-independence: copies of one
// input row whose future (positions >= a split s) is replaced by fresh values, run through the
// stack several copies to a forward, and the largest change of each copy's past (positions < s)
// against a reference output. Which splits, how many copies a forward and which shorter length
// the second shape uses are decided here, so both checks agree.
import * as tf from '@tensorflow/tfjs-core';
import { keyedRandom } from '../../gab/rng';
import { isAllocationError, randomInput } from './context';

/** Up to this context every split 1..L-1 is checked; beyond it, windows plus a sample. */
export const FULL_SPLITS_MAX = 256;
/** Long contexts: every split in the first WINDOW_HEAD and the last WINDOW_TAIL positions... */
const WINDOW_HEAD = 128;
const WINDOW_TAIL = 64;
/** ...every STRIDE-th split, and RANDOM_SPLITS seeded random ones. */
const STRIDE = 16;
const RANDOM_SPLITS = 64;
/** The second shape checks at most this many splits (the first shape checks them all). */
const SHORT_SPLITS = 12;

/** A stack of blocks: X [k, L, D] to Y [k, L, D] (the probe model's `stack`). */
export type StackFn = (x: tf.Tensor) => tf.Tensor;

/** Where a copy's past changed: the split s, the first position t < s that moved, by how much. */
export interface Leak {
  readonly split: number;
  readonly position: number;
  readonly change: number;
}

/** The splits s checked at context `length`, ascending: all of 1..L-1, or windows and a sample. */
export function splitPoints(length: number, seed: number): number[] {
  if (length <= FULL_SPLITS_MAX) {
    return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  }
  const s = new Set<number>();
  for (let i = 1; i <= WINDOW_HEAD; i++) {
    s.add(i);
  }
  for (let i = length - WINDOW_TAIL; i < length; i++) {
    s.add(i);
  }
  for (let i = STRIDE; i < length; i += STRIDE) {
    s.add(i);
  }
  const rand = keyedRandom(seed, 'causality-splits');
  for (let i = 0; i < RANDOM_SPLITS; i++) {
    s.add(1 + Math.floor(rand() * (length - 1)));
  }
  return [...s].filter((v) => v >= 1 && v < length).sort((a, b) => a - b);
}

/** The second, shorter sequence length (not a power of two, so chunked scans split differently). */
export function shortLength(length: number): number {
  return Math.max(2, Math.min(length, Math.floor((3 * length) / 4) - 1));
}

/** At most SHORT_SPLITS splits of 1..L-1, evenly spread, both ends included. */
export function shortSplits(length: number): number[] {
  const all = splitPoints(length, 0);
  if (all.length <= SHORT_SPLITS) {
    return all;
  }
  const step = (length - 2) / (SHORT_SPLITS - 1);
  return [...new Set(Array.from({ length: SHORT_SPLITS }, (_, i) => 1 + Math.round(i * step)))];
}

/** How many copies of a [1, L, D] row share one forward: bounded so [k, H, L, L] stays small. */
export function copiesPerForward(length: number): number {
  return Math.max(1, Math.min(32, Math.floor(4096 / length)));
}

/** max over width of |a - b|: [k, L, D] x2 -> [k, L]; NaN counts as Infinity. */
export function changeByPosition(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const m = tf.max(tf.abs(tf.sub(a, b)), -1); // [k, L]
    return tf.where(tf.isNaN(m), tf.fill(m.shape, Infinity), m);
  });
}

/** Copies of x0 [1, L, D]: copy i keeps positions < splits[i] and holds fresh N(0, 1) after. */
export function futureReplaced(x0: tf.Tensor, splits: readonly number[], seed: number): tf.Tensor {
  return tf.tidy(() => {
    const [, length, d] = x0.shape as [number, number, number];
    const k = splits.length;
    const pos = tf.reshape(tf.range(0, length, 1, 'float32'), [1, length]); // [1, L]
    const cut = tf.reshape(tf.tensor1d([...splits], 'float32'), [k, 1]); // [k, 1]
    const keep = tf.reshape(tf.cast(tf.less(pos, cut), 'float32'), [k, length, 1]); // [k, L, 1]
    const fresh = randomInput([k, length, d], seed); // [k, L, D]
    const past = tf.tile(x0, [k, 1, 1]); // [k, L, D]
    return tf.add(tf.mul(past, keep), tf.mul(fresh, tf.sub(1, keep)));
  });
}

/** The first leak among copies run together: per copy i, positions t < splits[i] vs yRef. */
function leakIn(
  change: readonly (readonly number[])[],
  splits: readonly number[],
  tol: number,
): { leak?: Leak; max: number } {
  let max = 0;
  let leak: Leak | undefined;
  splits.forEach((s, i) => {
    const row = (change[i] ?? []).slice(0, s);
    const m = Math.max(0, ...row);
    max = Math.max(max, m);
    if (m > tol && (!leak || s < leak.split)) {
      leak = { split: s, position: row.findIndex((v) => !(v <= tol)), change: m };
    }
  });
  return leak ? { leak, max } : { max };
}

/**
 * Runs the future-replaced copies of x0 [1, L, D] for `splits`, `perForward` copies a forward,
 * and compares each copy's past with yRef [1, L, D]. Returns the leak at the smallest split (if
 * any) and the largest change seen in any past.
 */
export function findLeak(
  stack: StackFn,
  x0: tf.Tensor,
  yRef: tf.Tensor,
  splits: readonly number[],
  perForward: number,
  tol: number,
  seed: number,
): { leak?: Leak; maxChange: number } {
  let maxChange = 0;
  for (let i = 0; i < splits.length; i += perForward) {
    const chunk = splits.slice(i, i + perForward);
    const change = tf.tidy(() => {
      const xc = futureReplaced(x0, chunk, seed + i); // [k, L, D]
      return changeByPosition(stack(xc), yRef).arraySync() as number[][]; // [k, L]
    });
    const got = leakIn(change, chunk, tol);
    maxChange = Math.max(maxChange, got.max);
    if (got.leak) {
      return { leak: got.leak, maxChange };
    }
  }
  return { maxChange };
}

/** One copy run alone (batch 1): does its past still differ from x0's own output at batch 1? */
export function leakAlone(
  stack: StackFn,
  x0: tf.Tensor,
  split: number,
  tol: number,
  seed: number,
): Leak | undefined {
  const change = tf.tidy(() => {
    const alone = stack(x0); // [1, L, D]
    const copy = stack(futureReplaced(x0, [split], seed)); // [1, L, D]
    return changeByPosition(copy, alone).arraySync() as number[][];
  });
  return leakIn(change, [split], tol).leak;
}

/**
 * Runs `f`, the part of a check at a second shape; an error there (a parameter whose shape
 * follows the length, a branch that throws) becomes the message of a failed check.
 */
export function atSecondShape<T>(shape: string, f: () => T): T | { readonly error: string } {
  try {
    return f();
  } catch (err) {
    if (isAllocationError(err)) {
      throw err; // the runner reports dynamic/memory-limit
    }
    const why = err instanceof Error ? err.message : String(err);
    return {
      error:
        `the block ran at the probe's shape but failed at ${shape}: ${why}. A block must run at ` +
        `any batch size and any length up to the context: derive parameter shapes from c.d and ` +
        `hyperparameters, never from x.shape (slice a [maxLen, ...] parameter to the length instead).`,
    };
  }
}
