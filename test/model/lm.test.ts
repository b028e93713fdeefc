// The LM around a block: deterministic from its seed, sensible at initialisation, parameter
// counts split into embedding and the rest, gradients reaching the tied embedding.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { loadBlock } from '../../src/gab/loader';
import { LanguageModel, paramsPerBlock } from '../../src/model/lm';

const SOURCE = `
import { unit, block, ops, type Ctx } from 'blocksmith/gab';
export const hparams = { hidden: 32 };
type H = typeof hparams;
const Mlp = unit({
  name: 'Mlp',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const h = ops.gelu(ops.linear(x, c.param('w1', [c.d, c.hp.hidden])));
    return [ops.add(x, ops.linear(h, c.param('w2', [c.hp.hidden, c.d]))), z];
  },
});
export default block({ name: 'tiny', hparams, root: Mlp });
`;
const block = loadBlock('tiny.ts', SOURCE);
const cfg = { vocab: 256, d: 16, nBlocks: 3, seed: 5 };

before(async () => {
  await initBackend('cpu');
});

function lossOf(model: LanguageModel): number {
  return tf.tidy(() => {
    const ids = tf.tensor2d([[72, 101, 108, 108, 111, 32]], undefined, 'int32');
    const targets = tf.tensor2d([[101, 108, 108, 111, 32, 33]], undefined, 'int32');
    return model.loss(ids, targets).dataSync()[0];
  });
}

void test('counts: embedding V x D, 2 x D x hidden a block, the final norm outside the blocks', () => {
  const model = new LanguageModel(block, cfg).build(8);
  try {
    const c = model.counts();
    assert.equal(c.embedding, 256 * 16);
    assert.equal(c.blocks, 3 * 2 * 16 * 32);
    assert.equal(c.nonEmbedding, c.blocks + 16);
    assert.equal(c.total, c.embedding + c.nonEmbedding);
    assert.deepEqual(paramsPerBlock(model.store, 3), [1024, 1024, 1024]);
  } finally {
    model.dispose();
  }
});

void test('deterministic from the seed; near ln(256) at initialisation', () => {
  const a = new LanguageModel(block, cfg);
  const la = lossOf(a);
  a.dispose();
  const b = new LanguageModel(block, cfg);
  const lb = lossOf(b);
  b.dispose();
  assert.equal(la, lb);
  assert.ok(Math.abs(la - Math.log(256)) < 0.1, `initial loss ${la}`);
});

void test('the stack maps [B, L, D] to [B, L, D]; logits are [B, L, V]', () => {
  const model = new LanguageModel(block, cfg);
  try {
    tf.tidy(() => {
      assert.deepEqual(model.stack(tf.zeros([2, 5, 16])).shape, [2, 5, 16]);
      assert.deepEqual(model.logits(tf.zeros([2, 5], 'int32')).shape, [2, 5, 256]);
    });
  } finally {
    model.dispose();
  }
});

void test('the loss gradient reaches every parameter, the tied embedding included', () => {
  const model = new LanguageModel(block, cfg).build(6);
  try {
    tf.tidy(() => {
      const ids = tf.tensor2d([[1, 2, 3, 4]], undefined, 'int32');
      const { grads } = tf.variableGrads(() => model.loss(ids, ids), model.variables());
      for (const v of model.variables()) {
        const g = grads[v.name];
        assert.ok(g, `${v.name} has no gradient`);
        assert.ok(tf.max(tf.abs(g)).dataSync()[0] > 0, `${v.name} has a zero gradient`);
      }
    });
  } finally {
    model.dispose();
  }
});
