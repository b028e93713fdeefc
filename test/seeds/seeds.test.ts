// The five seed designs: each loads, keeps the shape, is causal, gives every parameter a
// gradient, stays finite, and lands near the GPT seed's size; the GPT seed defines the rungs'
// referenceParams.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { ParamStore } from '../../src/gab/runtime';
import { RUNGS, SMALLEST_RUNG } from '../../src/ladder/rungs';
import {
  SEED_NAMES,
  countParams,
  futureLeak,
  loadEditedSeed,
  loadSeed,
  readDesign,
  runStack,
} from './harness';

const [B, L, D] = [2, 64, 48];
// Perturb the future after t: t = 37 sits mid-chunk for the chunked scans (chunks of 16).
const T = 37;

const input = (): tf.Tensor => tf.randomNormal([B, L, D], 0, 1, 'float32', 7);

before(async () => {
  await initBackend('cpu');
});

for (const name of SEED_NAMES) {
  void test(`seed ${name}: shape, finite, causal`, () => {
    const block = loadSeed(name);
    const store = new ParamStore(1);
    try {
      tf.tidy(() => {
        const y = runStack(block, store, input(), SMALLEST_RUNG.nBlocks);
        assert.deepEqual(y.shape, [B, L, D], `${name}: output shape`);
        assert.ok(tf.all(tf.isFinite(y)).dataSync()[0] === 1, `${name}: non-finite outputs`);
      });
    } finally {
      store.dispose();
    }
    const leak = tf.tidy(() => futureLeak(block, input(), T, SMALLEST_RUNG.nBlocks));
    assert.ok(leak.past <= 1e-5, `${name}: output at t <= ${T} moved by ${leak.past}`);
    // The future does move the output: the check above did not pass vacuously.
    assert.ok(leak.any > 1e-3, `${name}: outputs ignore the input (${leak.any})`);
  });

  void test(`seed ${name}: every parameter gets a nonzero gradient`, () => {
    const block = loadSeed(name);
    const store = new ParamStore(2);
    try {
      tf.tidy(() => {
        const x = tf.randomNormal([B, L, D], 0, 1, 'float32', 9);
        const proj = tf.randomNormal([B, L, D], 0, 1, 'float32', 10);
        const loss = (): tf.Scalar =>
          tf.sum(tf.mul(runStack(block, store, x, SMALLEST_RUNG.nBlocks), proj));
        loss(); // declares the parameters, so variableGrads sees them all
        const { grads } = tf.variableGrads(loss, [...store.vars.values()]);
        // variableGrads keys gradients by tf variable name, which the store prefixes per store.
        const missing = [...store.vars].flatMap(([path, v]) => {
          const g = Object.hasOwn(grads, v.name) ? grads[v.name] : undefined;
          return g === undefined || tf.max(tf.abs(g)).dataSync()[0] === 0 ? [path] : [];
        });
        assert.ok(store.vars.size > 0, `${name}: declares no parameters`);
        assert.deepEqual(missing, [], `${name}: parameters without gradient`);
      });
    } finally {
      store.dispose();
    }
  });

  void test(`seed ${name}: design.json describes the seed`, () => {
    const design = readDesign(name);
    assert.equal(design.id, name);
    assert.equal(loadSeed(name).name, name);
    assert.deepEqual(design.parents, []);
    assert.equal(design.operator, 'seed');
    for (const key of ['name', 'summary', 'reference']) {
      assert.ok(typeof design[key] === 'string' && design[key] !== '', `${name}: ${key} missing`);
    }
  });
}

void test('negative control: the TTT seed without its causal mask leaks the future', () => {
  const leaky = loadEditedSeed('ttt', (src) => src.replace('ops.tril(n)', 'ops.full([n, n], 1)'));
  const leak = tf.tidy(() => futureLeak(leaky, input(), T, SMALLEST_RUNG.nBlocks));
  assert.ok(leak.past > 1e-4, `the unmasked TTT seed moved the past by only ${leak.past}`);
});

void test('the GPT seed lands within 2% of each laptop rung referenceParams', () => {
  const gpt = loadSeed('gpt2');
  for (const rung of RUNGS.filter((r) => r.kind === 'laptop')) {
    const n = countParams(gpt, rung.d, rung.nBlocks);
    const off = Math.abs(n / rung.referenceParams - 1);
    assert.ok(
      off <= 0.02,
      `rung ${rung.name}: GPT seed has ${n}, reference ${rung.referenceParams}`,
    );
  }
});

void test('every seed lands within 20% of the GPT seed at the smallest rung', () => {
  const { d, nBlocks } = SMALLEST_RUNG;
  const ref = countParams(loadSeed('gpt2'), d, nBlocks);
  for (const name of SEED_NAMES) {
    const n = countParams(loadSeed(name), d, nBlocks);
    assert.ok(Math.abs(n / ref - 1) <= 0.2, `${name}: ${n} parameters against GPT's ${ref}`);
  }
});
