// The row-wise wasm kernels (src/gab/ops/kernels/rowwise.c, rowwise-loss.c) against the cpu
// backend's tfjs formulation of each op: output and gradients, under both kernel builds, on last
// axes off the vector widths (1, 3, 5, 17, 80, 216) and on values far from zero.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ops } from '../../src/gab/ops';
import { embedLookup, meanCrossEntropy } from '../../src/gab/ops/embedding';
import { kernelBuild, useKernelBuild } from '../../src/gab/ops/kernels';
import { crossEntropyWasm, embedWasm } from '../../src/gab/ops/rowwise-lm';
import type { Tensor } from '../../src/gab/contract';
import type { Data, OpFn } from './helpers';
import { assertClose, ct, evalWithGrads, randn, tt, uniform, useBackend } from './helpers';

const WIDTHS = [1, 3, 5, 17, 80, 216];

interface Case {
  readonly name: string;
  readonly f: OpFn;
  readonly inputs: Data[];
  readonly tol?: number;
}

/** Runs each case on cpu (the tfjs formulation) and on wasm (the kernels) and compares. */
async function compare(cases: readonly Case[]): Promise<void> {
  await useBackend('cpu');
  const want = cases.map((c) => evalWithGrads(c.f, c.inputs));
  await useBackend('wasm');
  cases.forEach((c) => evalWithGrads(c.f, c.inputs)); // warm: kept tables, kernel modules
  const before = tf.memory().numTensors;
  cases.forEach((c, k) => {
    const got = evalWithGrads(c.f, c.inputs);
    const at = `${c.name} (${kernelBuild()})`;
    assertClose(`y of ${at}`, got.y, want[k].y, c.tol ?? 1e-5, 1e-2);
    got.grads.forEach((g, i) => {
      assertClose(`grad ${i} of ${at}`, g, want[k].grads[i], c.tol ?? 1e-5, 1e-2);
    });
  });
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
}

/** Runs body under both kernel builds, restoring the build in force. */
async function bothBuilds(body: () => Promise<void>): Promise<void> {
  await useBackend('wasm');
  const initial = kernelBuild();
  try {
    for (const build of ['simd', 'fma'] as const) {
      useKernelBuild(build);
      await body();
    }
  } finally {
    useKernelBuild(initial);
  }
}

const rows = (d: number, seed: number, range = 1): Data => uniform([2, 3, d], -range, range, seed);

void test('rmsNorm, silu, gelu, tanh, sigmoid and same-shape mul equal the tfjs formulation', async () => {
  const cases: Case[] = WIDTHS.flatMap((d, n) => [
    {
      name: `rmsNorm d ${d}`,
      f: (x: Tensor, w: Tensor) => ops.rmsNorm(x, w, 1e-5),
      inputs: [rows(d, n, 3), uniform([d], 0.5, 1.5, n + 1)],
    },
    { name: `silu d ${d}`, f: (x: Tensor) => ops.silu(x), inputs: [rows(d, n + 2, 8)] },
    { name: `gelu d ${d}`, f: (x: Tensor) => ops.gelu(x), inputs: [rows(d, n + 3, 5)] },
    { name: `tanh d ${d}`, f: (x: Tensor) => ops.tanh(x), inputs: [rows(d, n + 7, 4)] },
    { name: `sigmoid d ${d}`, f: (x: Tensor) => ops.sigmoid(x), inputs: [rows(d, n + 8, 9)] },
    {
      name: `mul d ${d}`,
      f: (a: Tensor, b: Tensor) => ops.mul(a, b),
      inputs: [rows(d, n + 4), rows(d, n + 5)],
    },
    { name: `mul self d ${d}`, f: (a: Tensor) => ops.mul(a, a), inputs: [rows(d, n + 6)] },
  ]);
  await bothBuilds(() => compare(cases));
});

void test('mul with one operand repeated along the other equals tf.mul, with gradients', async () => {
  const cases: Case[] = WIDTHS.flatMap((d, n) => {
    const a = rows(d, 40 + n);
    const mul = (x: Tensor, y: Tensor): Tensor => ops.mul(x, y);
    return [
      { name: `[2,3,${d}] * [${d}]`, f: mul, inputs: [a, randn([d], n)] },
      { name: `[${d}] * [2,3,${d}]`, f: mul, inputs: [randn([d], n + 1), a] },
      { name: `[2,3,${d}] * [1,1,${d}]`, f: mul, inputs: [a, randn([1, 1, d], n + 2)] },
      { name: `[5,2,3,${d}] * [2,3,${d}]`, f: mul, inputs: [randn([5, 2, 3, d], n + 3), a] },
      { name: `[${d}] * [1,${d}]`, f: mul, inputs: [randn([d], n + 4), randn([1, d], n + 5)] },
      { name: `[2,3,${d}] * [1]`, f: mul, inputs: [a, randn([1], n + 6)] },
    ];
  });
  await bothBuilds(() => compare(cases));
});

void test('silu, gelu, tanh and sigmoid saturate without NaN far from zero', async () => {
  const far: Data = { shape: [7], values: Float32Array.from([-1000, -90, -30, 0, 30, 90, 1000]) };
  await bothBuilds(() =>
    compare([
      { name: 'silu far', f: (x: Tensor) => ops.silu(x), inputs: [far] },
      { name: 'gelu far', f: (x: Tensor) => ops.gelu(x), inputs: [far] },
      { name: 'tanh far', f: (x: Tensor) => ops.tanh(x), inputs: [far] },
      { name: 'sigmoid far', f: (x: Tensor) => ops.sigmoid(x), inputs: [far] },
    ]),
  );
});

void test('split and concat as row copies equal tfjs on every axis, with their gradients', async () => {
  const cases: Case[] = [];
  // a split into one piece is tfjs's own (its gradient fails on cpu): widths from 3
  for (const d of WIDTHS.slice(1)) {
    const sizes = [1, d - 1];
    cases.push({
      name: `split [${sizes.join(', ')}] last`,
      // each piece scaled differently, then joined: both kernels and both gradients at once
      f: (x: Tensor) =>
        ops.concat(
          ops.split(x, sizes, -1).map((p, i) => ops.mul(p, i + 2)),
          -1,
        ),
      inputs: [rows(d, d)],
    });
    cases.push({
      name: `split one piece of ${d}`,
      f: (x: Tensor) => ops.split(x, [d - 1, 1], 2)[0],
      inputs: [rows(d, d + 1)],
    });
    cases.push({
      name: `concat middle, width ${d}`,
      f: (a: Tensor, b: Tensor) => ops.concat([a, b], 1),
      inputs: [rows(d, d + 2), uniform([2, 5, d], -1, 1, d + 3)],
    });
  }
  cases.push({
    name: 'split into one piece',
    f: (x: Tensor) => ops.mul(ops.split(x, [1], -1)[0], ops.split(x, 1, 0)[0]),
    inputs: [rows(1, 6)],
  });
  cases.push({
    name: 'split 3 equal on axis 0',
    f: (x: Tensor) => ops.concat(ops.split(x, 3, 0).reverse(), 0),
    inputs: [randn([6, 5, 3], 7)],
  });
  cases.push({
    name: 'the GPT seed split [4, 128, 432] in 2',
    f: (x: Tensor) => {
      const [g, u] = ops.split(x, 2, -1);
      return ops.mul(ops.silu(g), u);
    },
    inputs: [uniform([4, 128, 432], -3, 3, 8)],
  });
  await bothBuilds(() => compare(cases));
});

void test('splitHeads, mergeHeads and rotary equal tfjs, with gradients', async () => {
  const cases: Case[] = [];
  for (const [h, dh] of [
    [1, 2],
    [5, 16],
    [3, 6],
    [2, 34],
    [7, 1],
  ] as const) {
    const x3 = uniform([2, 9, h * dh], -2, 2, h * dh);
    cases.push({
      name: `heads ${h} x ${dh}`,
      f: (x: Tensor) => ops.mergeHeads(ops.mul(ops.splitHeads(x, h), ct(tf.range(1, dh + 1)))),
      inputs: [x3],
    });
    if (dh % 2 === 0) {
      cases.push({
        name: `rotary ${h} x ${dh}`,
        f: (x: Tensor) => ops.mergeHeads(ops.rotary(ops.splitHeads(x, h), 500)),
        inputs: [x3],
      });
    }
  }
  await bothBuilds(() => compare(cases));
});

/** The fused loss on wasm against meanCrossEntropy on cpu; targets fixed per case. */
function lossCase(n: number, v: number, range: number, seed: number, odd = false): Case {
  const ids = Int32Array.from({ length: n }, (_, i) => (i * 7 + seed) % v);
  if (odd) {
    ids[0] = -1; // outside the vocabulary: no loss, no onehot (tf.oneHot's zero row)
    ids[n - 1] = v;
  }
  const f = (z: Tensor): Tensor => {
    const t = tf.tensor1d(ids, 'int32');
    const zt = tt(z);
    return ct(tf.getBackend() === 'wasm' ? crossEntropyWasm(zt, t) : meanCrossEntropy(zt, t));
  };
  // logits ~1000: z - lse carries ~1e-4 absolute rounding on either side, so p ~1e-4 relative
  const tol = range > 100 ? 1e-4 : 1e-5;
  const inputs = [uniform([n, v], -range, range, seed)];
  return { name: `loss ${n} x ${v} range ${range}`, f, inputs, tol };
}

void test('the fused LM loss equals log-softmax cross-entropy, with its gradient', async () => {
  const cases = [
    ...[2, ...WIDTHS.slice(1)].map((v, i) => lossCase(5, v, 4, i)), // tf.oneHot needs V >= 2
    lossCase(512, 256, 10, 3),
    lossCase(9, 256, 1000, 4),
    lossCase(6, 17, 3, 5, true),
  ];
  await bothBuilds(() => compare(cases));
});

void test('the embedding gather and its scatter-add gradient equal embedLookup', async () => {
  const cases: Case[] = [1, 3, 80].map((d) => {
    const ids = Int32Array.from([0, 4, 4, 2, 6, 0, 1, 4, 3]); // repeats accumulate
    const f = (e: Tensor): Tensor => {
      const t = tf.tensor2d(ids, [3, 3], 'int32');
      const et = tt(e);
      if (tf.getBackend() !== 'wasm') {
        return ct(embedLookup(t, et));
      }
      return ct(tf.reshape(embedWasm(tf.reshape(t, [-1]), et), [3, 3, d]));
    };
    return { name: `embed 7 x ${d}`, f, inputs: [randn([7, d], d)] };
  });
  await bothBuilds(() => compare(cases));
});
