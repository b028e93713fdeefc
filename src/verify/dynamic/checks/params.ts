// dynamic/params: the design's non-embedding parameter count (the block stack) against the rung's
// reference. Outside +-20%, the ladder's freedom, the number of blocks, is tuned to land within
// 20%; the tuned depth is what the later checks (and training) use.
import * as tf from '@tensorflow/tfjs-core';
import { paramsPerBlock } from '../../../model/lm';
import {
  fail,
  makeModel,
  pass,
  probe,
  randomInput,
  requires,
  type CheckContext,
  type DynamicCheck,
} from '../context';

const ID = 'dynamic/params';
const TOLERANCE = 0.2;
/** The deepest stack tuning may choose, as a multiple of the rung's depth. */
const MAX_DEPTH_FACTOR = 4;

const within = (count: number, ref: number): boolean => Math.abs(count / ref - 1) <= TOLERANCE;
const pct = (count: number, ref: number): string => {
  const p = Math.round((count / ref - 1) * 100);
  return `${p >= 0 ? '+' : ''}${p}%`;
};

/** The block-stack parameter count at depth n (measured when blocks differ by layer). */
function countAt(ctx: CheckContext, perBlock: readonly number[], n: number): number {
  const first = perBlock[0] ?? 0;
  if (perBlock.every((p) => p === first)) {
    return n * first;
  }
  const model = makeModel(ctx, n);
  try {
    tf.tidy(() => model.stack(randomInput([1, ctx.rung.context, ctx.rung.d], ctx.job.seed)));
    return paramsPerBlock(model.store, n).reduce((a, b) => a + b, 0);
  } finally {
    model.dispose();
  }
}

/** The depth closest to the reference within tolerance, or undefined. */
function tune(
  ctx: CheckContext,
  perBlock: readonly number[],
  maxDepth: number,
): { n: number; count: number } | undefined {
  const ref = ctx.rung.referenceParams;
  const mean = perBlock.reduce((a, b) => a + b, 0) / Math.max(1, perBlock.length);
  const guess = mean > 0 ? Math.round(ref / mean) : maxDepth;
  const candidates = [...new Set([guess - 1, guess, guess + 1])].filter(
    (n) => n >= 1 && n <= maxDepth,
  );
  let best: { n: number; count: number } | undefined;
  for (const n of candidates) {
    const count = countAt(ctx, perBlock, n);
    if (within(count, ref) && (!best || Math.abs(count - ref) < Math.abs(best.count - ref))) {
      best = { n, count };
    }
  }
  return best;
}

/** Which way to change the design when no depth lands within tolerance. */
function advice(ctx: CheckContext, perBlock: readonly number[], maxDepth: number): string {
  const ref = ctx.rung.referenceParams;
  const one = countAt(ctx, perBlock, 1);
  if (one > ref * (1 + TOLERANCE)) {
    return (
      `one block alone has ${one} parameters, ${(one / ref).toFixed(1)}x the reference: make the ` +
      `block smaller (narrower hidden layers, fewer or smaller heads, smaller states)`
    );
  }
  const deepest = countAt(ctx, perBlock, maxDepth);
  if (deepest < ref * (1 - TOLERANCE)) {
    return (
      `even ${maxDepth} blocks have only ${deepest} parameters (${pct(deepest, ref)}): make the block ` +
      `larger (wider hidden layers, more heads or state), to about ${Math.round(ref / ctx.rung.nBlocks)} ` +
      `parameters a block`
    );
  }
  return (
    `no whole number of blocks lands within 20% (a block has about ${Math.round(one)} parameters): ` +
    `resize the block to about ${Math.round(ref / ctx.rung.nBlocks)} parameters`
  );
}

export const params: DynamicCheck = {
  id: ID,
  gate: requires('dynamic/forward-shape'),
  run(ctx) {
    const ref = ctx.rung.referenceParams;
    const n0 = ctx.rung.nBlocks;
    const perBlock = paramsPerBlock(probe(ctx).model.store, n0);
    const count = perBlock.reduce((a, b) => a + b, 0);
    const data = { params: count, reference: ref, ratio: count / ref, nBlocks: n0, perBlock };
    if (within(count, ref)) {
      ctx.nBlocks = n0;
      return [
        pass(
          ID,
          `${count} non-embedding parameters at ${n0} blocks, ${pct(count, ref)} of the rung's ${ref}`,
          { ...data, tunedNBlocks: n0 },
        ),
      ];
    }
    const maxDepth = MAX_DEPTH_FACTOR * n0;
    const best = tune(ctx, perBlock, maxDepth);
    if (best) {
      ctx.nBlocks = best.n;
      return [
        pass(
          ID,
          `${count} parameters at ${n0} blocks is ${pct(count, ref)} of the rung's ${ref}; tuned to ` +
            `${best.n} blocks: ${best.count} (${pct(best.count, ref)})`,
          { ...data, tunedNBlocks: best.n, tunedParams: best.count, tunedRatio: best.count / ref },
        ),
      ];
    }
    return [
      fail(
        ID,
        `${count} non-embedding parameters at ${n0} blocks is ${pct(count, ref)} of the rung's ` +
          `reference ${ref}, and tuning the number of blocks (1 to ${maxDepth}) cannot bring it ` +
          `within 20%: ${advice(ctx, perBlock, maxDepth)}.`,
        data,
      ),
    ];
  },
};
