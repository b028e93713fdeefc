// The trainer on data-parallel workers: two workers follow the one-thread curve (the batch is
// summed in another order, nothing else differs), a run stopped on two workers resumes on one
// with a warning and lands on the same curve, and the worker count is checked and reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainerArgs } from '../../src/train/spawn';
import { badWorkers, workersFor } from '../../src/train/workers';
import { ofType, runTrainer, seedJob, type Ran } from './helpers';

const STEPS = 8;
const SMALL = { batch: 4, checkpointEvery: 1000, evalEvery: 1000, evalBatches: 2, logEvery: 1 };

function losses(ran: Ran): number[] {
  return ofType(ran, 'progress').map((m) => m.loss);
}

function close(a: readonly number[], b: readonly number[], what: string): void {
  assert.equal(a.length, b.length, `${what}: ${a.length} vs ${b.length} steps`);
  a.forEach((x, i) => {
    assert.ok(Math.abs(x - (b[i] ?? NaN)) < 1e-4, `${what}, step ${i + 1}: ${x} vs ${b[i]}`);
  });
}

void test('two workers follow the one-thread curve; a run moves between worker counts', async () => {
  const one = await runTrainer(seedJob('gpt2', { steps: STEPS, workers: 1, train: SMALL }));
  const two = await runTrainer(seedJob('gpt2', { steps: STEPS, workers: 2, train: SMALL }));
  assert.equal(ofType(one, 'hello')[0]?.workers, 1);
  assert.equal(ofType(two, 'hello')[0]?.workers, 2);
  assert.equal(two.outcome.done?.status, 'completed', JSON.stringify(two.messages.slice(-2)));
  const curve = losses(one);
  assert.equal(curve.length, STEPS);
  close(losses(two), curve, '2 workers vs 1');

  // stopped on two workers (SIGTERM mid-run: checkpoint, workers ended), resumed on one
  const moved = seedJob('gpt2', { steps: STEPS, workers: 2, train: SMALL });
  const first = await runTrainer(moved, (m, h) => {
    if (m.type === 'progress' && m.step === 3) {
      h.stop();
    }
  });
  assert.equal(first.outcome.done?.status, 'stopped');
  assert.equal(first.outcome.exitCode, 0);
  const second = await runTrainer({ ...moved, workers: 1 });
  const hello = ofType(second, 'hello').at(0);
  assert.ok(hello && hello.resumedFrom >= 3, JSON.stringify(second.messages.slice(-2)));
  assert.match((hello.warnings ?? []).join('\n'), /2 worker\(s\) on 1/);
  close([...losses(first), ...losses(second)], curve, 'stopped on 2, resumed on 1');
});

void test('the worker count: checked, defaulted per backend, granted --allow-worker', () => {
  assert.equal(badWorkers(2), undefined);
  assert.match(badWorkers(0) ?? '', /workers must be an integer from 1/);
  assert.match(badWorkers(1.5) ?? '', /got 1\.5/);
  assert.equal(workersFor(3, 'wasm'), 3);
  assert.equal(workersFor(undefined, 'tensorflow'), 1);
  const job = seedJob('gpt2');
  const allowed = (workers: number): boolean =>
    trainerArgs({ ...job, workers }, 512).includes('--allow-worker');
  assert.equal(allowed(1), false);
  assert.equal(allowed(2), process.allowedNodeEnvironmentFlags.has('--allow-worker'));
});
