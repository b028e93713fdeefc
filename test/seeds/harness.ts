// Helpers for the seed tests: load a shipped seed, run it as a stack of blocks, count parameters.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Block } from '../../src/gab/contract';
import { loadBlock } from '../../src/gab/loader';
import { ParamStore, resolveHParams, runBlock } from '../../src/gab/runtime';
import { seedsDir } from '../../src/paths';

export const SEED_NAMES = ['gpt2', 'mamba2', 'retnet', 'rwkv6', 'ttt'] as const;

/** The seed's block, loaded the way the product loads any design file. */
export function loadSeed(name: string): Block {
  const file = join(seedsDir(), name, 'block.ts');
  return loadBlock(file, readFileSync(file, 'utf8'));
}

/** Loads a seed's source after `edit`: for negative controls (a seed with a bug put in). */
export function loadEditedSeed(name: string, edit: (source: string) => string): Block {
  const file = join(seedsDir(), name, 'block.ts');
  const source = readFileSync(file, 'utf8');
  const edited = edit(source);
  if (edited === source) {
    throw new Error(`loadEditedSeed(${name}): the edit changed nothing; update the test`);
  }
  return loadBlock(file, edited);
}

/** The seed's design.json, parsed. */
export function readDesign(name: string): Record<string, unknown> {
  const file = join(seedsDir(), name, 'design.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** X [B, L, D] through nBlocks blocks of `block` (parameters declared in `store`); Y [B, L, D]. */
export function runStack(
  block: Block,
  store: ParamStore,
  x: tf.Tensor,
  nBlocks: number,
): tf.Tensor {
  const cfg = { d: x.shape[2]!, nBlocks, hp: resolveHParams(block) };
  let h = x;
  let z = {};
  for (let layer = 0; layer < nBlocks; layer++) {
    [h, z] = runBlock(block, cfg, store, layer, h, z);
  }
  return h;
}

/** Parameters of a stack of nBlocks blocks at width d (one short forward declares them). */
export function countParams(block: Block, d: number, nBlocks: number): number {
  const store = new ParamStore(0);
  try {
    tf.tidy(() => runStack(block, store, tf.zeros([1, 8, d]), nBlocks));
    return store.count();
  } finally {
    store.dispose();
  }
}

/**
 * Runs X and X' (X with positions > t replaced by noise) through the stack; returns the largest
 * output change at positions <= t (`past`, 0 for a causal block) and anywhere (`any`).
 */
export function futureLeak(
  block: Block,
  x: tf.Tensor,
  t: number,
  nBlocks: number,
): {
  past: number;
  any: number;
} {
  const store = new ParamStore(1);
  try {
    return tf.tidy(() => {
      const [b, l, d] = x.shape as [number, number, number];
      const noise = tf.randomNormal([b, l - t - 1, d], 0, 3, 'float32', 8);
      const x2 = tf.concat([tf.slice(x, [0, 0, 0], [b, t + 1, d]), noise], 1);
      const y = runStack(block, store, x, nBlocks);
      const y2 = runStack(block, store, x2, nBlocks);
      const head = (u: tf.Tensor) => tf.slice(u, [0, 0, 0], [b, t + 1, d]);
      const maxAbs = (u: tf.Tensor) => tf.max(tf.abs(u)).dataSync()[0];
      return { past: maxAbs(tf.sub(head(y), head(y2))), any: maxAbs(tf.sub(y, y2)) };
    });
  } finally {
    store.dispose();
  }
}
