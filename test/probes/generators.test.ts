// The probe generators: labels correct by construction, only the intended positions labelled,
// deterministic from the seed; the masked loss against a hand computation.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import {
  inductionTask,
  makeBatch,
  maskedLoss,
  mqarTask,
  probeRandom,
  selectiveCopyTask,
  type ProbeBatch,
  type ProbeTask,
} from '../../src/probes';

before(async () => {
  await initBackend('cpu');
});

const ROWS = 64;

function batchOf(task: ProbeTask, seed = 3, purpose = 'train'): ProbeBatch {
  return makeBatch(task, ROWS, probeRandom(seed, task, purpose));
}

/** Row r's [ids, targets, mask] as plain arrays. */
function row(b: ProbeBatch, r: number): [number[], number[], number[]] {
  const at = (a: ArrayLike<number>) => Array.from(a).slice(r * b.length, (r + 1) * b.length);
  return [at(b.ids), at(b.targets), at(b.mask)];
}

void test('mqar: each repeated key is labelled with its paired value, nothing else is', () => {
  const pairs = 4;
  const task = mqarTask({ length: 64, pairs, vocab: 64 });
  const b = batchOf(task);
  for (let r = 0; r < ROWS; r++) {
    const [ids, targets, mask] = row(b, r);
    const kv = new Map<number, number>();
    for (let i = 0; i < pairs; i++) {
      const [k, v] = [ids[2 * i], ids[2 * i + 1]];
      assert.ok(
        k >= 1 && k < 32 && v >= 32 && v < 64,
        `keys low half, values high half: ${k} ${v}`,
      );
      kv.set(k, v);
    }
    assert.equal(kv.size, pairs, 'keys are distinct');
    const labelled = mask.flatMap((m, t) => (m === 1 ? [t] : []));
    assert.equal(labelled.length, pairs, 'one label per pair');
    for (const t of labelled) {
      assert.ok(t >= 2 * pairs, 'labels only after the pair section');
      assert.equal(targets[t], kv.get(ids[t]), `the value of key ${ids[t]}`);
      assert.equal(ids[t + 1], targets[t], 'the value follows its key');
    }
    assert.deepEqual(
      new Set(labelled.map((t) => ids[t])),
      new Set(kv.keys()),
      'every key asked once',
    );
  }
  assert.equal(task.chance, 1 / 32);
});

void test('mqar: query gaps follow the power law (short gaps far more often than long ones)', () => {
  const task = mqarTask({ length: 64, pairs: 4, vocab: 64 });
  const b = batchOf(task);
  const gaps: number[] = [];
  for (let r = 0; r < ROWS; r++) {
    row(b, r)[2].forEach((m, t) => m === 1 && gaps.push(t - 8));
  }
  const near = gaps.filter((g) => g < 14).length;
  assert.ok(near > gaps.length - near, `${near} of ${gaps.length} in the nearer half`);
});

void test('induction: trigger then X earlier, the final trigger labelled with X only', () => {
  const task = inductionTask({ length: 32, vocab: 20 });
  const b = batchOf(task);
  for (let r = 0; r < ROWS; r++) {
    const [ids, targets, mask] = row(b, r);
    const triggers = ids.flatMap((x, t) => (x === 20 ? [t] : []));
    assert.equal(triggers.length, 2, 'two triggers');
    const [p, last] = [triggers[0], triggers[1]];
    assert.equal(last, 31, 'the sequence ends with the trigger');
    assert.ok(p + 1 < last);
    assert.deepEqual(
      mask.flatMap((m, t) => (m === 1 ? [t] : [])),
      [31],
    );
    assert.equal(targets[31], ids[p + 1]);
    assert.ok(ids.every((x) => x >= 0 && x <= 20));
  }
  assert.equal(task.vocab, 21);
});

void test('selective copy: the scattered tokens, in order, after the copy token, teacher forced', () => {
  const task = selectiveCopyTask({ region: 32, copies: 8, tokens: 16 });
  const b = batchOf(task);
  for (let r = 0; r < ROWS; r++) {
    const [ids, targets, mask] = row(b, r);
    const scattered = ids.slice(0, 32).filter((x) => x !== 0);
    assert.equal(scattered.length, 8);
    assert.equal(ids[32], 17, 'the copy token');
    assert.deepEqual(mask, [...new Array<number>(32).fill(0), ...new Array<number>(8).fill(1)]);
    assert.deepEqual(targets.slice(32), scattered);
    assert.deepEqual(ids.slice(33), scattered.slice(0, 7), 'each emitted token is the next input');
  }
});

void test('generators are deterministic from (seed, purpose), and differ across them', () => {
  for (const task of [mqarTask(), inductionTask(), selectiveCopyTask()]) {
    const [a, b] = [batchOf(task, 5), batchOf(task, 5)];
    assert.deepEqual(a, b, task.name);
    assert.notDeepEqual(batchOf(task, 6).ids, a.ids, `${task.name}: another seed`);
    assert.notDeepEqual(batchOf(task, 5, 'eval').ids, a.ids, `${task.name}: eval vs train`);
  }
});

void test('maskedLoss: mean cross-entropy over the labelled positions only', () => {
  tf.tidy(() => {
    const logits = tf.tensor3d([
      [
        [0, 1, 2],
        [2, 0, 0],
        [5, 5, 5],
      ],
    ]); // [1, 3, 3]
    const targets = tf.tensor2d([[2, 0, 1]], undefined, 'int32');
    const mask = tf.tensor2d([[1, 1, 0]]);
    const lse = (xs: number[]) => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0));
    const want = (lse([0, 1, 2]) - 2 + (lse([2, 0, 0]) - 2)) / 2;
    const got = maskedLoss(logits, targets, mask).dataSync()[0];
    assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
  });
});
