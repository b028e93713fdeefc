// The dynamic checks run in-process (no sandbox) on small inline designs: depth tuning, the
// ordering and gating of checks, and the helpers the checks share.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../src/backend';
import { SMALLEST_RUNG } from '../../../src/ladder/rungs';
import type { Job, RunnerMessage } from '../../../src/sandbox/protocol';
import { isAllocationError } from '../../../src/verify/dynamic/context';
import { shortLength, shortSplits, splitPoints } from '../../../src/verify/dynamic/leaks';
import { runChecks } from '../../../src/verify/dynamic/run';
import type { CheckResult } from '../../../src/verify/types';

/** An MLP-only block: causal by construction; 96 * hidden + 48 parameters a block at d 48. */
const mlp = (hidden: number, extra = ''): string => `
import { unit, block, ops, type Ctx } from 'blocksmith/gab';
export const hparams = { hidden: ${hidden} };
type H = typeof hparams;
const Mlp = unit({
  name: 'Mlp',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const n = ops.rmsNorm(x, c.param('norm', [c.d], 'ones'));
    const h = ops.gelu(ops.linear(n, c.param('w1', [c.d, c.hp.hidden]))); // [B, L, F]
    ${extra}
    return [ops.add(x, ops.linear(h, c.param('w2', [c.hp.hidden, c.d]))), z];
  },
});
export default block({ name: 'mlp', hparams, root: Mlp });
`;

/** The smallest rung with a short context, to keep the checks fast. */
const rung = { ...SMALLEST_RUNG, context: 16 };

async function run(source: string): Promise<{ results: CheckResult[]; progress: string[] }> {
  const job: Job = { fileName: 'mlp.ts', source, rung, backend: 'cpu', seed: 3 };
  const msgs: RunnerMessage[] = [];
  await runChecks(job, (m) => msgs.push(m));
  return {
    results: msgs.flatMap((m) => (m.type === 'result' ? [m.result] : [])),
    progress: msgs.flatMap((m) => (m.type === 'progress' ? [m.check] : [])),
  };
}

const byId = (rs: CheckResult[], id: string): CheckResult | undefined =>
  rs.find((r) => r.id === id);

before(async () => {
  await initBackend('cpu');
});

void test('a small design is tuned deeper to land within 20% of the reference', async () => {
  // 144 hidden: 13,872 a block, 27,744 at 2 blocks (-50%); 4 blocks make 55,488 (+0%).
  const { results } = await run(mlp(144));
  const params = byId(results, 'dynamic/params');
  assert.equal(params?.ok, true, params?.message);
  assert.equal(params.data?.tunedNBlocks, 4);
  assert.equal(params.data.tunedParams, 55_488);
  const loss = byId(results, 'dynamic/loss-decreases');
  assert.equal(loss?.ok, true, loss?.message);
  assert.equal(loss.data?.nBlocks, 4);
  // No GPT baseline in the job: speed is measured and reported, not judged.
  assert.equal(byId(results, 'dynamic/speed')?.ok, true);
});

void test('a design too large for any depth fails dynamic/params, saying to make it smaller', async () => {
  const { results } = await run(mlp(1200)); // 115,248 a block: 2.1x the reference at 1 block
  const params = byId(results, 'dynamic/params');
  assert.equal(params?.ok, false);
  assert.equal(params.severity, 'error');
  assert.match(params.message, /smaller/);
  // The expensive checks do not run after an error.
  assert.equal(byId(results, 'dynamic/speed'), undefined);
});

void test('after a failed check, the checks that need it are skipped, not run', async () => {
  const nan = mlp(144, 'x = ops.add(x, ops.log(ops.full([1], -1)));');
  const { results, progress } = await run(nan);
  assert.equal(byId(results, 'dynamic/finite')?.ok, false);
  for (const id of ['dynamic/causality', 'dynamic/gradients', 'dynamic/loss-decreases']) {
    assert.ok(!progress.includes(id), `${id} must not run after dynamic/finite failed`);
  }
  assert.ok(progress.includes('dynamic/params'), 'dynamic/params still makes sense');
});

void test('causality checks every split of a laptop context, and samples long ones', () => {
  assert.deepEqual(
    splitPoints(64, 1),
    Array.from({ length: 63 }, (_, i) => i + 1),
  );
  assert.deepEqual(splitPoints(2, 1), [1]);
  const long = splitPoints(2048, 1);
  assert.ok(long.includes(1) && long.includes(128) && long.includes(2047) && long.includes(1024));
  assert.ok(long.length < 500, `${long.length} splits at 2048`);
  assert.deepEqual(
    long,
    [...long].sort((a, b) => a - b),
  );
  assert.equal(shortLength(64), 47);
  assert.ok(shortSplits(47).length <= 24 && shortSplits(47).includes(46));
});

void test('allocation failures are recognised; ordinary errors are not', () => {
  assert.ok(isAllocationError(new RangeError('Invalid typed array length: 10000000000')));
  assert.ok(isAllocationError(new RangeError('Array buffer allocation failed')));
  assert.ok(!isAllocationError(new Error('ops.rmsNorm: weight must be [24], got [48]')));
});
