// The GEMM kernels (src/gab/ops/kernels/gemm.c via gemm.ts) behind linear and matmul on wasm:
// outputs and both gradients equal tf's own products on the cpu backend, under both kernel builds,
// on odd shapes (remainder rows and columns, K past the kernel's 128-wide slices, sizes of 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ops } from '../../src/gab/ops';
import { gemm } from '../../src/gab/ops/gemm';
import { kernelBuild, useKernelBuild } from '../../src/gab/ops/kernels';
import {
  assertClose,
  ct,
  evalWithGrads,
  randn,
  tt,
  useBackend,
  type Data,
  type OpFn,
} from './helpers';

type Case = [name: string, inputs: Data[], mine: OpFn, theirs: (...xs: tf.Tensor[]) => tf.Tensor];

const c = (x: tf.Tensor): ReturnType<OpFn> => ct(x);

/** [M, K, N] of the 2-D products: 1s, remainders of the 4 x 8 tile, K > 128, a 250k shape. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [5, 3, 7],
  [13, 17, 9],
  [4, 2, 8],
  [9, 4, 12],
  [3, 130, 5],
  [2, 1, 19],
  [512, 80, 240],
];

function cases(): Case[] {
  const out: Case[] = [];
  let seed = 1;
  for (const [m, k, n] of SHAPES) {
    const [x, w, bt, y] = [
      randn([m, k], seed++),
      randn([k, n], seed++),
      randn([n, k], seed++),
      randn([m, n], seed++),
    ];
    out.push(
      [`linear ${m}x${k}x${n}`, [x, w], (a, b) => ops.linear(a, b), (a, b) => tf.matMul(a, b)],
      [
        `linear with bias ${m}x${k}x${n}`,
        [x, w, randn([n], seed++)],
        (a, b, bias) => ops.linear(a, b, bias),
        (a, b, bias) => tf.add(tf.matMul(a, b), bias),
      ],
      [
        `matmul, shared b, transposeB ${m}x${k}x${n}`,
        [x, bt],
        (a, b) => ops.matmul(a, b, true),
        (a, b) => tf.matMul(a, b, false, true),
      ],
      [
        `'tn' ${m}x${k}x${n}`,
        [x, y],
        (a, b) => c(gemm(tt(a), tt(b), 'tn')),
        (a, b) => tf.matMul(a, b, true, false),
      ],
    );
  }
  return out;
}

const BATCHED: Case[] = [
  [
    'linear on a [2, 7, 6] input with bias',
    [randn([2, 7, 6], 50), randn([6, 5], 51), randn([5], 52)],
    (x, w, b) => ops.linear(x, w, b),
    (x, w, b) => tf.add(tf.reshape(tf.matMul(tf.reshape(x, [-1, 6]), w), [2, 7, 5]), b),
  ],
  [
    'matmul [3, 5, 7] @ [3, 7, 9]',
    [randn([3, 5, 7], 53), randn([3, 7, 9], 54)],
    (a, b) => ops.matmul(a, b),
    (a, b) => tf.matMul(a, b),
  ],
  [
    'matmul [2, 3, 13, 17] @ [2, 3, 9, 17]^T',
    [randn([2, 3, 13, 17], 55), randn([2, 3, 9, 17], 56)],
    (a, b) => ops.matmul(a, b, true),
    (a, b) => tf.matMul(a, b, false, true),
  ],
  [
    'matmul [4, 1, 1] @ [4, 1, 3] (1s)',
    [randn([4, 1, 1], 57), randn([4, 1, 3], 58)],
    (a, b) => ops.matmul(a, b),
    (a, b) => tf.matMul(a, b),
  ],
  [
    "'tn' batched [3, 130, 5]^T @ [3, 130, 6]",
    [randn([3, 130, 5], 59), randn([3, 130, 6], 60)],
    (a, b) => c(gemm(tt(a), tt(b), 'tn')),
    (a, b) => tf.matMul(a, b, true, false),
  ],
];

/** Output and gradients of every case on the cpu backend with tf's own products. */
async function reference(all: Case[]): Promise<ReturnType<typeof evalWithGrads>[]> {
  await useBackend('cpu');
  return all.map(([, inputs, , theirs]) =>
    evalWithGrads((...xs) => c(theirs(...xs.map(tt))), inputs),
  );
}

const builds = (): ('simd' | 'fma')[] => {
  try {
    useKernelBuild('fma');
    return ['simd', 'fma'];
  } catch {
    return ['simd']; // an engine without relaxed SIMD
  }
};

void test('linear and matmul on the wasm GEMM equal tf on cpu, forward and gradients, both builds', async () => {
  const all = [...cases(), ...BATCHED];
  const want = await reference(all);
  const initial = kernelBuild();
  for (const build of builds()) {
    useKernelBuild(build);
    await useBackend('wasm');
    all.forEach(([name, inputs, mine], i) => {
      const got = evalWithGrads(mine, inputs);
      const label = `${name} (${build})`;
      assertClose(`${label} output`, got.y, want[i].y, 1e-5);
      got.grads.forEach((g, j) => {
        assertClose(`${label} gradient ${j}`, g, want[i].grads[j], 1e-5);
      });
    });
  }
  useKernelBuild(initial);
});

void test('the wasm GEMM runs with no tfjs matmul or transpose in linear, forward or backward', async () => {
  await useBackend('wasm');
  const seen: string[] = [];
  const x = tf.randomNormal([2, 5, 6]);
  const w = tf.randomNormal([6, 4]);
  const profile = await tf.profile(() => {
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tt(ops.linear(ct(a), ct(b)))));
    g([x, w]).forEach((t) => {
      t.dispose();
    });
  });
  seen.push(...profile.kernelNames);
  assert.ok(seen.includes('BlocksmithMatMul'), `kernels seen: ${seen.join(', ')}`);
  for (const name of ['BatchMatMul', 'Transpose']) {
    assert.ok(!seen.includes(name), `linear ran ${name}: ${seen.join(', ')}`);
  }
  tf.dispose([x, w]);
});

void test('the GEMM kernel names what does not multiply', async () => {
  await useBackend('wasm');
  const a = tf.zeros([2, 3]);
  const b = tf.zeros([4, 5]);
  assert.throws(
    () => gemm(a, b, 'nn'),
    /BlocksmithMatMul: a \[2, 3\] and b \[4, 5\] do not multiply as 'nn'/,
  );
  tf.dispose([a, b]);
});
