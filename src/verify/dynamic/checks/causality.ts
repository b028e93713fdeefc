// dynamic/causality: Y[:, :s] must not change when X[:, s:] is replaced by fresh values, for
// EVERY split s in 1..L-1 (contexts up to 256; longer ones: windows at both ends, a stride and a
// seeded sample). The copies run many to a forward; a change seen only in a batched forward is
// re-checked alone, so batch mixing is left to dynamic/batch-independence. Then a second shape
// (batch 3, a shorter L'): cutting the sequence to L' must not change Y[:, :L'], and sampled
// splits at that shape must not leak, so a block cannot pass by recognising one test shape.
import * as tf from '@tensorflow/tfjs-core';
import { fail, maxAbs, pass, probe, randomInput, type DynamicCheck } from '../context';
import {
  atSecondShape,
  changeByPosition,
  copiesPerForward,
  FULL_SPLITS_MAX,
  findLeak,
  leakAlone,
  shortLength,
  shortSplits,
  splitPoints,
  type Leak,
  type StackFn,
} from '../leaks';

const ID = 'dynamic/causality';
/** Allowed change, relative to max |Y|: float noise only. */
const RTOL = 1e-5;
/** Rows of the second shape. */
const SHORT_BATCH = 3;

const FIX =
  'Mask attention above the diagonal (ops.causalAttention), mix along the sequence only with ' +
  'causal ops (shift, causalConv1d, cumsum, linearScan), never reverse, shift backwards, slice ' +
  'ahead or reduce over the sequence axis, and do not branch on the batch size or the length.';

/** Finds a leak at `splits` of x0 [1, L, D] against yRef; a batched-only change is re-run alone. */
function scan(
  stack: StackFn,
  x0: tf.Tensor,
  yRef: tf.Tensor,
  splits: readonly number[],
  perForward: number,
  tol: number,
  seed: number,
): { leak?: Leak; maxChange: number } {
  const found = findLeak(stack, x0, yRef, splits, perForward, tol, seed);
  if (!found.leak || perForward === 1) {
    return found;
  }
  const alone = leakAlone(stack, x0, found.leak.split, tol, seed + 7);
  if (alone) {
    return { leak: alone, maxChange: found.maxChange };
  }
  // The past moved only when copies shared a forward: they mix (batch-independence reports it).
  // Redo every split one copy a forward, against x0's own output at batch 1.
  const own = tf.tidy(() => stack(x0));
  try {
    return findLeak(stack, x0, own, splits, 1, tol, seed);
  } finally {
    own.dispose();
  }
}

/** First position t < L' where Y of X cut to L' differs from the full Y: [B, L', D] vs [B, L, D]. */
function truncationLeak(
  stack: StackFn,
  xCut: tf.Tensor,
  y: tf.Tensor,
  tol: number,
): Leak | undefined {
  const [b, short, d] = xCut.shape as [number, number, number];
  const change = tf.tidy(() => {
    const yCut = tf.slice(y, [0, 0, 0], [b, short, d]);
    return tf.max(changeByPosition(stack(xCut), yCut), 0).arraySync() as number[]; // [L']
  });
  const m = Math.max(0, ...change);
  return m > tol
    ? { split: short, position: change.findIndex((v) => !(v <= tol)), change: m }
    : undefined;
}

function coverage(length: number, count: number): string {
  return length <= FULL_SPLITS_MAX
    ? `every split 1..${length - 1}`
    : `${count} splits of 1..${length - 1} (every split in the first 128 and last 64 positions, ` +
        `every 16th, 64 seeded random ones: long contexts are sampled outside those windows)`;
}

function leakMessage(leak: Leak, tol: number, where: string): string {
  return (
    `Y[:, ${leak.position}] changed (by ${leak.change.toPrecision(3)}, tolerance ` +
    `${tol.toPrecision(3)}) when ${where}: position ${leak.position} sees the future. ${FIX}`
  );
}

export const causality: DynamicCheck = {
  id: ID,
  gate: (failed) => !failed.has('dynamic/finite'),
  run(ctx) {
    const started = performance.now();
    const { model, x, y } = probe(ctx);
    const stack: StackFn = (t) => model.stack(t);
    const [b, length, d] = x.shape as [number, number, number];
    const tol = RTOL * maxAbs(y);
    const seed = ctx.job.seed;
    const splits = splitPoints(length, seed);
    const short = shortLength(length);
    const data = { length, splits: splits.length, shortLength: short, tolerance: tol };
    const x0 = tf.slice(x, [0, 0, 0], [1, length, d]); // [1, L, D]
    const y0 = tf.slice(y, [0, 0, 0], [1, length, d]); // [1, L, D]
    const xCut = tf.slice(x, [0, 0, 0], [b, short, d]); // [B, L', D]
    try {
      const main = scan(stack, x0, y0, splits, copiesPerForward(length), tol, seed + 1000);
      if (main.leak) {
        const where = `X[:, ${main.leak.split}:] was replaced (split ${main.leak.split}; checked ${coverage(length, splits.length)})`;
        return [fail(ID, leakMessage(main.leak, tol, where), { ...data, ...main })];
      }
      const second = atSecondShape(`batch ${b}, length ${short}`, () => ({
        cut: truncationLeak(stack, xCut, y, tol),
        other: shortShape(stack, xCut, tol, seed),
      }));
      if ('error' in second) {
        return [fail(ID, second.error, data)];
      }
      const { cut, other } = second;
      if (cut) {
        const where = `the input was cut to its first ${short} positions (batch ${b}): Y[:, t] may depend only on X[:, 0..t], not on the length`;
        return [fail(ID, leakMessage(cut, tol, where), { ...data, truncated: cut })];
      }
      if (other.leak) {
        const where = `X[:, ${other.leak.split}:] was replaced at batch ${SHORT_BATCH} and length ${short}`;
        return [fail(ID, leakMessage(other.leak, tol, where), { ...data, ...other })];
      }
      const ms = performance.now() - started;
      return [
        pass(
          ID,
          `Y[:, :s] unchanged when X[:, s:] is replaced, ${coverage(length, splits.length)} at ` +
            `length ${length}; also at batch ${SHORT_BATCH}, length ${short}, and when cut to ${short}`,
          { ...data, maxChange: Math.max(main.maxChange, other.maxChange), ms },
        ),
      ];
    } finally {
      x0.dispose();
      y0.dispose();
      xCut.dispose();
    }
  },
};

/** Sampled splits at batch 3 and length L' (copies three a forward, as the batch the block sees). */
function shortShape(
  stack: StackFn,
  xCut: tf.Tensor,
  tol: number,
  seed: number,
): { leak?: Leak; maxChange: number } {
  const [, short, d] = xCut.shape as [number, number, number];
  const x0 = tf.slice(xCut, [0, 0, 0], [1, short, d]); // [1, L', D]
  // The reference: row 0 of a batch of 3 whose other rows are fresh, at length L'.
  const ref = tf.tidy(() => {
    const xs = tf.concat([x0, randomInput([SHORT_BATCH - 1, short, d], seed + 5000)], 0);
    return tf.slice(stack(xs), [0, 0, 0], [1, short, d]);
  });
  try {
    return scan(stack, x0, ref, shortSplits(short), SHORT_BATCH, tol, seed + 6000);
  } finally {
    x0.dispose();
    ref.dispose();
  }
}
