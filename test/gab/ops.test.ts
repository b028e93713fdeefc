// Every op: analytic gradients against central finite differences (cpu), and the wasm backend's
// output and gradients against cpu's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ops } from '../../src/gab/ops';
import type { Tensor } from '../../src/gab/contract';
import { CASES } from './cases';
import { assertClose, checkGrads, evalWithGrads, useBackend } from './helpers';

void test('every op of the contract has a case', () => {
  const covered = new Set(CASES.flatMap((c) => c.name.split(/[ ,()]+/)));
  const missing = Object.keys(ops).filter((name) => !covered.has(name));
  assert.deepEqual(missing, []);
});

void test('gradients match central finite differences (cpu)', async () => {
  await useBackend('cpu');
  for (const c of CASES) {
    checkGrads(c.name, c.f, c.inputs, c.fd);
  }
});

void test('wasm agrees with cpu on outputs and gradients', async () => {
  const results = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    await useBackend(backend);
    results.push(CASES.map((c) => evalWithGrads(c.f, c.inputs)));
  }
  const [cpu, wasm] = results as [(typeof results)[0], (typeof results)[0]];
  CASES.forEach((c, i) => {
    assertClose(`${c.name} output`, wasm[i].y, cpu[i].y, 1e-4);
    wasm[i].grads.forEach((g, k) => {
      assertClose(`${c.name} gradient ${k}`, g, cpu[i].grads[k], 1e-4);
    });
  });
});

void test('ops leave no tensors behind', async () => {
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  for (const c of CASES) {
    evalWithGrads(c.f, c.inputs);
  }
  assert.equal(tf.memory().numTensors, before);
});

void test('bad shapes fail with an error that names the op and the shapes', async () => {
  await useBackend('cpu');
  const x = tf.zeros([2, 5, 6]) as unknown as Tensor;
  const w = tf.zeros([4, 3]) as unknown as Tensor;
  assert.throws(() => ops.linear(x, w), /ops\.linear: x \[2, 5, 6\] must end in 4/);
  assert.throws(() => ops.splitHeads(x, 4), /ops\.splitHeads: width 6 does not split into 4 heads/);
  assert.throws(() => ops.shift(x, -1), /ops\.shift: steps must be a non-negative integer/);
  assert.throws(() => ops.sum(x, 3), /ops\.sum: axis 3 is out of range/);
  assert.throws(() => ops.linearScan(x, x, x, x), /ops\.linearScan: q must have rank 4/);
});
