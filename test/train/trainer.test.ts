// The trainer child end to end (dist/trainer.js under the permission model): errors before any
// training, SIGTERM writes a checkpoint and stops, SIGKILL then resume follows the uninterrupted
// run (in the trainer's thread and on two workers), and a blow-up ends with status 'diverged' and
// the step. Jobs that name no worker count run on the default (2 on CI's two cores).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint, listCheckpoints } from '../../src/train/checkpoint';
import { ofType, runTrainer, seedJob } from './helpers';

/** Small and quick: 4 sequences of 64 bytes a step, a checkpoint every 4 steps. */
const SMALL = { batch: 4, checkpointEvery: 4, evalEvery: 1000, evalBatches: 2, logEvery: 1 };

void test('a missing corpus, an unknown rung, a failing block: clear errors, no training', async () => {
  const cases = [
    { over: { dataPaths: ['/nonexistent/corpus.txt'] }, kind: 'data', text: /corpus\.txt/ },
    { over: { rung: '7k' }, kind: 'config', text: /unknown rung '7k'.*50k/ },
    {
      over: {
        source: readFileSync(seedJob('gpt2').blockPath, 'utf8').replace(
          'hparams = {',
          'hparams = { noise: Math.random(),',
        ),
      },
      kind: 'verify',
      text: /failed verification.*static\/forbidden-global/s,
    },
  ] as const;
  for (const c of cases) {
    const ran = await runTrainer(seedJob('gpt2', { steps: 5, ...c.over }));
    const err = ran.outcome.error;
    assert.equal(err?.kind, c.kind, JSON.stringify(ran.messages));
    assert.match(err.message, c.text);
    assert.equal(ofType(ran, 'progress').length, 0, 'no step ran');
    assert.equal(ran.outcome.exitCode, 1);
  }
});

void test('SIGTERM: the trainer writes a checkpoint, reports stopped and exits 0', async () => {
  const job = seedJob('gpt2', { steps: 500, train: { ...SMALL, checkpointEvery: 1000 } });
  const ran = await runTrainer(job, (m, h) => {
    if (m.type === 'progress' && m.step === 3) {
      h.stop();
    }
  });
  const done = ran.outcome.done;
  assert.equal(done?.status, 'stopped');
  const ck = ofType(ran, 'checkpoint');
  assert.equal(ck.length, 1);
  assert.equal(ck[0]?.step, done.step);
  assert.ok(done.step >= 3 && done.step < 500);
  assert.ok(existsSync(ck[0]?.path ?? ''));
  assert.equal(ran.outcome.exitCode, 0);
  assert.ok(existsSync(join(job.runDir, 'report.json')));
  const lines = readFileSync(join(job.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.ok(lines.some((l) => l.includes('"type":"progress"')));
});

/** The parameters of the newest checkpoint in a run folder. */
function finalParams(runDir: string): Map<string, Float32Array> {
  const newest = listCheckpoints(join(runDir, 'checkpoints'))[0];
  assert.ok(newest, `no checkpoint in ${runDir}`);
  const ck = decodeCheckpoint(readFileSync(newest.path));
  const out = new Map<string, Float32Array>();
  for (const [name, t] of ck.tensors) {
    if (name.startsWith('param/')) {
      out.set(name, t.data);
    }
  }
  return out;
}

/** Trains a whole run and a run killed after a checkpoint then resumed, on `workers`; compares. */
async function killAndResume(workers: number): Promise<void> {
  const steps = 24;
  const whole = seedJob('gpt2', { steps, workers, train: SMALL });
  const a = await runTrainer(whole);
  assert.equal(a.outcome.done?.status, 'completed');

  const cut = seedJob('gpt2', { steps, workers, train: SMALL });
  let killedAfter = 0;
  const b1 = await runTrainer(cut, (m, h) => {
    if (m.type === 'checkpoint' && m.step >= 8) {
      killedAfter = m.step;
    }
    if (m.type === 'progress' && killedAfter > 0 && m.step > killedAfter) {
      h.kill();
    }
  });
  assert.equal(b1.outcome.signal, 'SIGKILL');
  assert.equal(b1.outcome.done, undefined);

  const b2 = await runTrainer(cut);
  const hello = ofType(b2, 'hello').at(0);
  assert.ok(hello && hello.resumedFrom >= killedAfter && hello.resumedFrom < steps);
  assert.equal(hello.workers, workers);
  assert.equal(ofType(b2, 'progress')[0]?.step, hello.resumedFrom + 1);
  assert.equal(b2.outcome.done?.status, 'completed');
  const sa = a.outcome.done.summary as { valLoss: number; trainLoss: number };
  const sb = b2.outcome.done.summary as { valLoss: number; trainLoss: number };
  assert.ok(Math.abs(sa.valLoss - sb.valLoss) < 1e-4, `${sa.valLoss} vs ${sb.valLoss}`);
  assert.ok(Math.abs(sa.trainLoss - sb.trainLoss) < 1e-4, `${sa.trainLoss} vs ${sb.trainLoss}`);
  const pa = finalParams(whole.runDir);
  const pb = finalParams(cut.runDir);
  assert.deepEqual([...pa.keys()], [...pb.keys()]);
  for (const [name, x] of pa) {
    const y = pb.get(name) ?? new Float32Array(0);
    const worst = x.reduce((m, v, i) => Math.max(m, Math.abs(v - (y[i] ?? NaN))), 0);
    assert.ok(worst < 1e-5, `${name} differs by ${worst}`);
  }
  assert.equal(readdirSync(join(cut.runDir, 'checkpoints')).length, 2, 'the last two are kept');
}

void test('SIGKILL after a checkpoint, then resume: the same curve as a run never stopped', async () => {
  await killAndResume(1);
});

void test('SIGKILL and resume with two data-parallel workers: the same curve as theirs unstopped', async () => {
  await killAndResume(2);
});

const GAIN_BLOCK = `
import { unit, block, ops, type Ctx } from 'blocksmith/gab';
export const hparams = { gain: 1 };
type H = typeof hparams;
const Mlp = unit({
  name: 'Mlp',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const h = ops.gelu(ops.linear(x, c.param('w1', [c.d, 4 * c.d])));
    const y = ops.linear(h, c.param('w2', [4 * c.d, c.d], { normal: 0.02 }));
    return [ops.add(x, ops.mul(y, c.hp.gain)), z];
  },
});
export default block({ name: 'gain', hparams, root: Mlp });
`;

void test('divergence: a design that blows up ends with status diverged and the step', async () => {
  const job = seedJob('gpt2', {
    source: GAIN_BLOCK,
    blockPath: '/virtual/gain.ts',
    design: 'gain',
    steps: 20,
    hp: { gain: 1e38 }, // verified at gain 1; trained at a gain that overflows float32
    train: SMALL,
  });
  const ran = await runTrainer(job);
  const done = ran.outcome.done;
  assert.equal(done?.status, 'diverged', JSON.stringify(ran.messages.slice(-3)));
  assert.equal(done.step, 1);
  assert.match(String(done.summary['reason']), /at step 1/);
  const report = JSON.parse(readFileSync(done.report, 'utf8')) as { status: string };
  assert.equal(report.status, 'diverged');
});
