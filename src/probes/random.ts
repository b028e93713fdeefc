// Seeded sampling helpers for the probe generators, and batch assembly. Every example is a pure
// function of (seed, stream name, index): the same seed gives the same data on every machine.
import { keyedRandom } from '../gab/rng';
import type { ProbeBatch, ProbeTask } from './types';

/** An integer in [lo, hi). */
export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo));
}

/** `k` distinct integers of [lo, hi), in random order (partial Fisher-Yates). */
export function sampleDistinct(rand: () => number, k: number, lo: number, hi: number): number[] {
  const pool = Array.from({ length: hi - lo }, (_, i) => lo + i);
  if (k > pool.length) {
    throw new RangeError(`sampleDistinct: ${k} distinct values asked from only ${pool.length}`);
  }
  for (let i = 0; i < k; i++) {
    const j = randInt(rand, i, pool.length);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

/**
 * `k` distinct indices of weights.length, each draw proportional to its weight among those left
 * (weighted sampling without replacement).
 */
export function sampleWeighted(
  rand: () => number,
  k: number,
  weights: readonly number[],
): number[] {
  const w = [...weights];
  const out: number[] = [];
  for (let n = 0; n < k; n++) {
    let r = rand() * w.reduce((a, b) => a + b, 0);
    let i = 0;
    while (i < w.length - 1 && (r >= w[i] || w[i] === 0)) {
      r -= w[i];
      i++;
    }
    out.push(i);
    w[i] = 0;
  }
  return out;
}

/** `batch` examples of `task` from the stream `stream` of `seed` (row-major [batch, length]). */
export function makeBatch(task: ProbeTask, batch: number, rand: () => number): ProbeBatch {
  const n = batch * task.length;
  const out: ProbeBatch = {
    batch,
    length: task.length,
    ids: new Int32Array(n),
    targets: new Int32Array(n),
    mask: new Float32Array(n),
  };
  for (let row = 0; row < batch; row++) {
    task.fill(out, row, rand);
  }
  return out;
}

/** A random stream for (seed, task, purpose): 'train' and 'eval' never share examples' draws. */
export function probeRandom(seed: number, task: ProbeTask, purpose: string): () => number {
  return keyedRandom(seed, `probe:${task.name}:${purpose}`);
}
