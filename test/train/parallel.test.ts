// Data-parallel training: two workers follow the same loss curve as one replica in this thread on
// the same batches (within float tolerance: the batch is summed in another order), their
// parameters stay bit-identical, and state exported from one run imports into another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedsDir } from '../../src/paths';
import { DataParallel, shares, type DataParallelOptions } from '../../src/train/parallel';
import { defaultOptim } from '../../src/train/optim';
import { missingProtections, protections } from '../../src/train/parallel/protections';

const FILE = join(seedsDir(), 'gpt2', 'block.ts');
const BATCH = 6;
const CONTEXT = 16;
const STEPS = 4;

function options(workers: number): DataParallelOptions {
  return {
    source: readFileSync(FILE, 'utf8'),
    fileName: FILE,
    d: 32,
    nBlocks: 1,
    vocab: 256,
    seed: 7,
    backend: 'wasm',
    optim: { ...defaultOptim({ d: 32 }), lr: 3e-3 },
    workers,
  };
}

/** A fixed batch of byte windows [BATCH, CONTEXT + 1] for step `s`. */
function batchAt(s: number): Int32Array {
  return Int32Array.from({ length: BATCH * (CONTEXT + 1) }, (_, i) => (i * 31 + s * 17) % 97);
}

async function curve(dp: DataParallel): Promise<number[]> {
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    losses.push((await dp.step(batchAt(s), BATCH, CONTEXT, 3e-3)).loss);
  }
  return losses;
}

void test('shares splits a batch over workers, remainder first', () => {
  assert.deepEqual(shares(16, 2), [8, 8]);
  assert.deepEqual(shares(7, 2), [4, 3]);
  assert.deepEqual(shares(1, 2), [1, 0]);
});

void test('two workers train like one replica and stay identical', async () => {
  const one = await DataParallel.create(options(1));
  const two = await DataParallel.create(options(2));
  try {
    assert.equal(one.workers, 0);
    assert.equal(two.workers, 2);
    const a = await curve(one);
    const b = await curve(two);
    assert.ok(a[STEPS - 1] < a[0], `the loss should fall: ${a.join(', ')}`);
    for (let s = 0; s < STEPS; s++) {
      assert.ok(Math.abs(a[s] - b[s]) < 1e-4 * a[s], `step ${s}: ${a[s]} vs ${b[s]}`);
    }
    const [d0, d1] = await two.digests();
    assert.equal(d0, d1, 'the workers hold different parameters');
    const e1 = await one.evalLoss(batchAt(9), BATCH, CONTEXT);
    const e2 = await two.evalLoss(batchAt(9), BATCH, CONTEXT);
    assert.ok(Math.abs(e1 - e2) < 1e-4 * e1, `eval: ${e1} vs ${e2}`);

    // state moves between runs: the single replica continues from the workers' state
    const state = await two.exportState();
    await one.importState(state);
    assert.equal((await one.digests())[0], d0);
    const next1 = await one.step(batchAt(5), BATCH, CONTEXT, 3e-3);
    const next2 = await two.step(batchAt(5), BATCH, CONTEXT, 3e-3);
    assert.ok(Math.abs(next1.loss - next2.loss) < 1e-5 * next1.loss);
    assert.ok(Math.abs(next1.gradNorm - next2.gradNorm) < 1e-3 * next1.gradNorm);
  } finally {
    await one.dispose();
    await two.dispose();
  }
});

void test('a bad batch is a clear error, from one replica and from workers', async () => {
  const two = await DataParallel.create(options(2));
  try {
    await assert.rejects(two.step(new Int32Array(5), BATCH, CONTEXT, 1e-3), /needs 102 tokens/);
  } finally {
    await two.dispose();
  }
});

const READS_BLOCK = `
import { unit, block, ops, type Ctx } from 'blocksmith/gab';
export const hparams = {};
const Peek = unit({
  name: 'Peek',
  children: [],
  forward(c: Ctx<typeof hparams>, x, z) {
    x.dataSync();
    return [ops.linear(x, c.param('w', [c.d, c.d])), z];
  },
});
export default block({ name: 'peek', hparams, root: Peek });
`;

void test('workers run block code under the host-read guard and check their protections', async () => {
  // the replica builds its model in the worker: the guarded forward throws there
  await assert.rejects(
    DataParallel.create({ ...options(2), source: READS_BLOCK, fileName: '/virtual/peek.ts' }),
    // either worker may report first: both build the model and both refuse it
    /worker \d failed to start: block code read tensor values on the host/,
  );
  const all = { permission: true, noCodegen: true };
  assert.equal(missingProtections(all, all), undefined);
  assert.match(
    missingProtections(all, { permission: false, noCodegen: true }) ?? '',
    /without Node's permission model while the trainer has it/,
  );
  assert.equal(
    missingProtections({ permission: false, noCodegen: false }, protections()),
    undefined,
  );
});
