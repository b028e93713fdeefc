import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { availableBackends, initBackend, wasmDir } from '../../src/backend';
import { existsSync } from 'node:fs';
import { ops } from '../../src/gab/ops';
import { ensureGradients } from '../../src/backend/gradients';

void test('initBackend starts wasm and cpu, and lists both', async () => {
  assert.ok(wasmDir().endsWith('/'));
  assert.ok(existsSync(`${wasmDir()}tfjs-backend-wasm-simd.wasm`));
  assert.equal(await initBackend('wasm'), 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(await initBackend('cpu'), 'cpu');
  assert.deepEqual([...availableBackends()].sort(), ['cpu', 'wasm']);
});

void test('importing the ops registers tfjs gradients once', () => {
  assert.equal(typeof ops.linear, 'function');
  assert.ok(tf.getGradient('Multiply'));
  assert.ok(tf.getGradient('BatchMatMul'));
  assert.equal(ensureGradients(), false, 'gradients were registered again');
});
