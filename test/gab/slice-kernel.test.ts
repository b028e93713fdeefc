// ops.slice on wasm (strided row copies, src/gab/ops/rowwise-slice.ts) against the cpu backend's
// tf.slice: values and gradient (zeros outside the box), on boxes that cut the last axis, a
// middle axis, several axes, none (a copy), with -1 sizes; and a box outside x still throws.
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
