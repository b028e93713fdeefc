// The fused wasm attention kernels (src/gab/ops/kernels/attention.c) against the cpu backend's
// tfjs formulation of causalAttention: output and dq, dk, dv, under both kernel builds, on shapes
// off the vector widths (L = 1, 5, 33, 128; Dk = 3, 16, 20) and on scores far from zero.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ops } from '../../src/gab/ops';
import { kernelBuild, useKernelBuild } from '../../src/gab/ops/kernels';
import type { Data } from './helpers';
import { assertClose, evalWithGrads, uniform, useBackend } from './helpers';
import type { Tensor } from '../../src/gab/contract';

/** [G, L, Dk, Dv]: G groups as H heads of one batch row; sizes off and on multiples of 8. */
const SHAPES: [number, number, number, number][] = [
  [1, 1, 3, 3],
  [7, 5, 16, 16],
  [1, 33, 20, 3],
  [7, 128, 16, 16],
  [2, 128, 3, 20],
  [1, 9, 64, 8],
  [3, 16, 32, 8],
];

const attend = (q: Tensor, k: Tensor, v: Tensor): Tensor => ops.causalAttention(q, k, v);

function inputs([g, l, dk, dv]: number[], range: number, seed: number): Data[] {
  return [
    uniform([1, g, l, dk], -range, range, seed),
    uniform([1, g, l, dk], -range, range, seed + 1),
    uniform([1, g, l, dv], -1, 1, seed + 2),
  ];
}

async function compare(shape: number[], range: number, seed: number, tol: number): Promise<void> {
  const xs = inputs(shape, range, seed);
  await useBackend('cpu');
  const want = evalWithGrads(attend, xs);
  await useBackend('wasm');
  const got = evalWithGrads(attend, xs);
  const at = `${kernelBuild()} [${shape.join(', ')}] range ${range}`;
  assertClose(`y ${at}`, got.y, want.y, tol);
  ['dq', 'dk', 'dv'].forEach((name, i) => {
    assertClose(`${name} ${at}`, got.grads[i], want.grads[i], tol);
  });
}

/** The builds this engine can run: FMA needs relaxed SIMD. */
function builds(): ('simd' | 'fma')[] {
  try {
    useKernelBuild('fma');
    return ['simd', 'fma'];
  } catch {
    return ['simd']; // an engine without relaxed SIMD
  }
}

void test('fused attention equals the tfjs formulation, forward and gradients, both builds', async () => {
  await useBackend('wasm');
  const initial = kernelBuild();
  try {
    for (const build of builds()) {
      useKernelBuild(build);
      for (const [n, shape] of SHAPES.entries()) {
        await compare(shape, 1, 10 * n, 1e-5);
      }
    }
  } finally {
    useKernelBuild(initial);
  }
});

void test('fused attention stays finite and exact on large scores', async () => {
  // scores of magnitude ~300 to ~3000: the softmax saturates to near one-hot rows, and float32
  // rounding of a score (~1e-4 absolute, either backend) moves the weights by ~1e-4 relative
  for (const shape of [
    [3, 33, 64, 16],
    [2, 128, 16, 16],
  ]) {
    await compare(shape, 30, 7, 1e-3);
  }
});

void test('masked probabilities are exactly zero: the future has no effect', async () => {
  await useBackend('wasm');
  const [q, k, v] = inputs([2, 17, 5, 6], 1, 3);
  const cut = 9; // changing keys and values from position cut on leaves outputs before it alone
  const later = (d: Data, by: number): Data => ({
    shape: d.shape,
    values: d.values.map((x, i) => (Math.floor(i / d.shape[3]) % 17 >= cut ? x + by : x)),
  });
  const a = evalWithGrads(attend, [q, k, v]).y;
  const b = evalWithGrads(attend, [q, later(k, 1e3), later(v, 1e3)]).y;
  for (let i = 0; i < a.length; i++) {
    if (Math.floor(i / 6) % 17 < cut) {
      assert.equal(b[i], a[i], `output ${i} moved with the future`);
    }
  }
});
