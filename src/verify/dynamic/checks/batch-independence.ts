// dynamic/batch-independence: Y[b] depends on X[b] alone, whatever else is in the batch, how
// large the batch is and which row b is. Three probes: replacing X[1] leaves Y[0] unchanged
// (batch 2, length L); the same X[0] in every row of a batch of k (the causality check's batch)
// gives the probe's Y[0] in every row; and at a second shape (batch 3, a shorter L') adding a
// fresh row or replacing X[1] leaves Y[0] (and Y[1]) as they are at batch 2.
import * as tf from '@tensorflow/tfjs-core';
import { fail, maxAbs, pass, probe, randomInput, type DynamicCheck } from '../context';
import { atSecondShape, copiesPerForward, shortLength, type StackFn } from '../leaks';

const ID = 'dynamic/batch-independence';
const RTOL = 1e-5;

const FIX =
  'Never reduce, normalise or attend over the batch axis (axis 0), and do not branch on the ' +
  'batch size; statistics belong to the last axis (ops.rmsNorm, ops.layerNorm).';

/** max |a - b| (NaN counts as Infinity). */
function gap(a: tf.Tensor, b: tf.Tensor): number {
  const m = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  return Number.isNaN(m) ? Infinity : m;
}

/** Rows [0, n) of x [B, L, D]. */
const rows = (x: tf.Tensor, n: number): tf.Tensor =>
  tf.slice(x, [0, 0, 0], [n, x.shape[1] ?? 0, x.shape[2] ?? 0]);

/** The second shape failed to run: its message is the check's. */
class ShapeError extends Error {}

interface Probe {
  readonly what: string;
  readonly change: number;
}

/** The three probes in order; stops at the first that fails. */
function probes(stack: StackFn, x: tf.Tensor, y: tf.Tensor, tol: number, seed: number): Probe[] {
  const [, length, d] = x.shape as [number, number, number];
  const out: Probe[] = [];
  const replaced = tf.tidy(() => {
    const x2 = tf.concat([rows(x, 1), randomInput([1, length, d], seed + 2000)], 0); // [2, L, D]
    return gap(rows(stack(x2), 1), rows(y, 1));
  });
  out.push({ what: 'when only X[1] was replaced (batch 2)', change: replaced });
  if (replaced > tol) {
    return out;
  }
  const k = copiesPerForward(length);
  const tiled = tf.tidy(() => gap(stack(tf.tile(rows(x, 1), [k, 1, 1])), rows(y, 1)));
  out.push({
    what: `when X[0] was run in every row of a batch of ${k} (some row gives a different Y than row 0 of batch 2: the output depends on the batch size or the row)`,
    change: tiled,
  });
  if (tiled > tol) {
    return out;
  }
  const short = shortLength(length);
  const second = atSecondShape(`batch 3, length ${short}`, () =>
    tf.tidy(() => {
      const xCut = tf.slice(x, [0, 0, 0], [2, short, d]); // [2, L', D]
      const ref = stack(xCut); // [2, L', D]
      const grown = tf.concat([xCut, randomInput([1, short, d], seed + 2001)], 0); // [3, L', D]
      const swapped = tf.concat([rows(xCut, 1), randomInput([2, short, d], seed + 2002)], 0);
      return Math.max(gap(rows(stack(grown), 2), ref), gap(rows(stack(swapped), 1), rows(ref, 1)));
    }),
  );
  if (typeof second !== 'number') {
    throw new ShapeError(second.error);
  }
  out.push({
    what: `at length ${short} when a third element was added to the batch, or X[1] and X[2] replaced`,
    change: second,
  });
  return out;
}

export const batchIndependence: DynamicCheck = {
  id: ID,
  gate: (failed) => !failed.has('dynamic/finite'),
  run(ctx) {
    const { model, x, y } = probe(ctx);
    const tol = RTOL * maxAbs(y);
    let done: Probe[];
    try {
      done = probes((t) => model.stack(t), x, y, tol, ctx.job.seed);
    } catch (err) {
      if (err instanceof ShapeError) {
        return [fail(ID, err.message, { tolerance: tol })];
      }
      throw err;
    }
    const data = { maxChange: done.map((p) => p.change), tolerance: tol };
    const bad = done.find((p) => p.change > tol);
    if (bad) {
      return [
        fail(
          ID,
          `Y[0] changed (by ${bad.change.toPrecision(3)}, tolerance ${tol.toPrecision(3)}) ${bad.what}: ` +
            `batch elements mix. ${FIX}`,
          data,
        ),
      ];
    }
    return [
      pass(
        ID,
        `Y[0] unchanged when X[1] is replaced, in every row of a batch of ${copiesPerForward(x.shape[1] ?? 1)}, and at batch 3, length ${shortLength(x.shape[1] ?? 2)}`,
        data,
      ),
    ];
  },
};
