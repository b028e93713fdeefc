// linear and matmul carry their own gradient (explicit transposes): it must equal tf's own.
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ops } from '../../src/gab/ops';
import { assertClose, ct, randn, toTensor, tt, useBackend, type Data } from './helpers';

type Fn = (...xs: tf.Tensor[]) => tf.Tensor;

function grads(f: Fn, inputs: Data[]): Float32Array[] {
  return tf.tidy(() => {
    const xs = inputs.map(toTensor);
    const y = f(...xs);
    const w = tf.cos(tf.reshape(tf.range(0, y.size), y.shape));
    const g = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), w)))(xs);
    return [
      Float32Array.from(f(...xs).dataSync()),
      ...g.map((x) => Float32Array.from(x.dataSync())),
    ];
  });
}

const pairs: [string, Data[], Fn, Fn][] = [
  [
    'linear',
    [randn([2, 7, 6], 1), randn([6, 5], 2), randn([5], 3)],
    (x, w, b) => tt(ops.linear(ct(x), ct(w), ct(b))),
    (x, w, b) => tf.add(tf.reshape(tf.matMul(tf.reshape(x, [-1, 6]), w), [2, 7, 5]), b),
  ],
  [
    'matmul',
    [randn([2, 3, 4, 6], 4), randn([2, 3, 6, 5], 5)],
    (a, b) => tt(ops.matmul(ct(a), ct(b))),
    (a, b) => tf.matMul(a, b),
  ],
  [
    'matmul, large products (a loop of 2-D ones on wasm)',
    [randn([2, 128, 64], 6), randn([2, 64, 128], 7)],
    (a, b) => tt(ops.matmul(ct(a), ct(b))),
    (a, b) => tf.matMul(a, b),
  ],
  [
    'matmul transposeB',
    [randn([2, 3, 4, 6], 4), randn([2, 3, 5, 6], 5)],
    (a, b) => tt(ops.matmul(ct(a), ct(b), true)),
    (a, b) => tf.matMul(a, b, false, true),
  ],
];

for (const backend of ['cpu', 'wasm'] as const) {
  void test(`linear and matmul gradients equal tf's own (${backend})`, async () => {
    await useBackend(backend);
    for (const [name, inputs, mine, theirs] of pairs) {
      const a = grads(mine, inputs);
      const b = grads(theirs, inputs);
      a.forEach((x, i) => {
        assertClose(
          `${name} ${i === 0 ? 'output' : `gradient ${i - 1}`} (${backend})`,
          x,
          b[i],
          1e-5,
        );
      });
    }
  });
}
