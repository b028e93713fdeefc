// ops.slice and ops.tile on wasm (row copies, src/gab/ops/rowwise-slice.ts) against the cpu
// backend's tf.slice and tf.tile: values and gradients, on boxes that cut the last axis, a middle
// axis, several axes, none (a copy), with -1 sizes; a box outside x still throws. And wasm's Sum
// and Cast overrides (src/gab/ops/wasm-kernels.ts) against cpu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ops } from '../../src/gab/ops';
import { ct, evalWithGrads, randn, tt, useBackend, type Data } from './helpers';

interface Case {
  readonly x: Data;
  readonly begin: number[];
  readonly size: number[];
}

const CASES: Case[] = [
  { x: randn([8, 3, 64, 16], 1), begin: [0, 0, 16, 0], size: [8, 3, 16, 16] },
  { x: randn([8, 3, 64, 1], 2), begin: [0, 1, 5, 0], size: [-1, 2, 7, -1] },
  { x: randn([8, 67, 48], 3), begin: [0, 3, 0], size: [8, 64, 48] },
  { x: randn([5, 7], 4), begin: [1, 2], size: [3, 5] },
  { x: randn([5, 7], 5), begin: [0, 0], size: [5, 7] },
  { x: randn([9], 6), begin: [4], size: [-1] },
  { x: randn([2, 3, 4, 5, 6], 7), begin: [1, 0, 1, 2, 3], size: [1, 3, 2, 3, 2] },
];

const run = (c: Case): ReturnType<typeof evalWithGrads> =>
  evalWithGrads((x) => ops.slice(x, c.begin, c.size), [c.x]);

void test('slice on wasm equals tf.slice on cpu, values and gradient', async () => {
  await useBackend('cpu');
  const want = CASES.map(run);
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  CASES.forEach((c, k) => {
    const got = run(c);
    const at = `x [${c.x.shape.join(', ')}], begin [${c.begin.join(', ')}], size [${c.size.join(', ')}]`;
    assert.deepEqual(Array.from(got.y), Array.from(want[k].y), `values of ${at}`);
    assert.deepEqual(Array.from(got.grads[0]), Array.from(want[k].grads[0]), `gradient of ${at}`);
  });
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

void test('a box outside x is refused on every backend (tfjs checks it on cpu only)', async () => {
  for (const b of ['wasm', 'cpu'] as const) {
    await useBackend(b);
    const x = ct(tf.zeros([4, 4]));
    assert.throws(() => ops.slice(x, [2, 0], [3, 4]), /slice: axis 0: begin 2 and size 3/);
    assert.throws(() => ops.slice(x, [-1, 0], [1, 4]), /slice: axis 0/);
    assert.throws(() => ops.slice(x, [0, 1.5], [1, 2]), /slice: axis 1/);
    tf.dispose(tt(x));
  }
});

const TILES: [Data, number[]][] = [
  [randn([16, 1, 64, 16], 11), [1, 3, 1, 1]],
  [randn([2, 3], 12), [2, 2]],
  [randn([3], 13), [4]],
  [randn([2, 1, 3], 14), [1, 1, 1]],
  [randn([2, 5, 7], 15), [3, 1, 2]],
];

void test('tile on wasm equals tf.tile on cpu, values and gradient', async () => {
  const run = ([x, reps]: [Data, number[]]): ReturnType<typeof evalWithGrads> =>
    evalWithGrads((a) => ops.tile(a, reps), [x]);
  await useBackend('cpu');
  const want = TILES.map(run);
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  TILES.forEach((c, k) => {
    const got = run(c);
    const at = `x [${c[0].shape.join(', ')}] reps [${c[1].join(', ')}]`;
    assert.deepEqual(Array.from(got.y), Array.from(want[k].y), `values of ${at}`);
    const [g, w] = [got.grads[0], want[k].grads[0]];
    g.forEach((v, i) => {
      assert.ok(
        Math.abs(v - w[i]) <= 1e-5 * Math.max(1, Math.abs(w[i])),
        `gradient of ${at} at ${i}`,
      );
    });
  });
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  assert.throws(() => ops.tile(ct(tf.zeros([2])), [0]), /tile: reps must be positive/);
});

void test('Sum over contiguous axes and same-dtype Cast on wasm equal cpu', async () => {
  const sums: [number[], number | number[] | undefined, boolean][] = [
    [[5, 64, 48], 0, false],
    [[16, 64, 48], [0, 1], false],
    [[16, 64, 48], [1, 0], true],
    [[4, 7, 5], 1, true],
    [[4, 7, 5], -1, false],
    [[3, 4, 8], undefined, false],
    [[3, 4, 8], [0, 2], false],
  ];
  const run = (): Float32Array[] =>
    sums.map(([shape, axis, keep], k) =>
      tf.tidy(() => {
        const x = tf.tensor(randn(shape, 20 + k).values, shape);
        const y = tf.sum(tf.cast(x, 'float32'), axis, keep);
        return Float32Array.from([...y.shape, -1, ...y.dataSync()]);
      }),
    );
  await useBackend('cpu');
  const want = run();
  await useBackend('wasm');
  run().forEach((got, k) => {
    assert.equal(got.length, want[k].length, `shape of case ${k}`);
    got.forEach((v, i) => {
      assert.ok(Math.abs(v - want[k][i]) <= 1e-4, `case ${k} entry ${i}: ${v} vs ${want[k][i]}`);
    });
  });
  const x = tf.tensor([1, 2, 3], [3], 'int32');
  assert.deepEqual(Array.from(tf.cast(x, 'float32').dataSync()), [1, 2, 3], 'int32 to float32');
  x.dispose();
});
