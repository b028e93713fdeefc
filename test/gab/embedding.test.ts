// The LM's two ends (src/gab/ops/embedding.ts): the gather lookup and the mean cross-entropy
// with closed-form gradients, against the autodiff formulas they replace (oneHot @ E, logSoftmax),
// on cpu and wasm.
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { embedLookup, meanCrossEntropy } from '../../src/gab/ops/embedding';
import { assertClose, randn, toTensor, useBackend } from './helpers';

const V = 11;
const IDS = [
  [3, 0, 10, 3],
  [7, 7, 1, 2],
];
const TARGETS = [
  [1, 4, 10, 0],
  [3, 3, 9, 5],
];

/** loss(E) through the lookup, a fixed linear map, and the head E^T. */
function lm(e: tf.Tensor, fused: boolean): tf.Scalar {
  const ids = tf.tensor2d(IDS, undefined, 'int32');
  const targets = tf.tensor2d(TARGETS, undefined, 'int32');
  const x = fused
    ? embedLookup(ids, e)
    : tf.reshape(tf.matMul(tf.cast(tf.oneHot(tf.reshape(ids, [-1]), V), 'float32'), e), [2, 4, 3]);
  const logits = tf.matMul(tf.reshape(tf.tanh(x), [-1, 3]), e, false, true); // [8, V]
  if (fused) {
    return meanCrossEntropy(tf.reshape(logits, [2, 4, V]), targets);
  }
  const onehot = tf.cast(tf.oneHot(tf.reshape(targets, [-1]), V), 'float32');
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), onehot), -1)));
}

void test('embedLookup and meanCrossEntropy match autodiff of oneHot @ E and logSoftmax', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await useBackend(backend);
    tf.tidy(() => {
      const e = toTensor(randn([V, 3], 5));
      const ref = tf.valueAndGrad((x: tf.Tensor) => lm(x, false))(e);
      const got = tf.valueAndGrad((x: tf.Tensor) => lm(x, true))(e);
      const read = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;
      assertClose(`${backend} loss`, read(got.value), read(ref.value), 1e-5);
      assertClose(`${backend} dE`, read(got.grad), read(ref.grad), 1e-5);
    });
  }
});
