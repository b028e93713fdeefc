// Selection, part 3: Genesys's ranking (Massey over every rung's fitness plus the LLM reviewer's
// rating), the pools built from it, the loop's run order (highest rung first) and its trainer job
// (fewer validation passes, the last at the end).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobFor } from '../../src/evolve/loop/train';
import {
  checkSettings,
  fitnessTable,
  highestFirst,
  masseyRatings,
  pools,
  promotions,
  reviewRating,
  type RunResults,
} from '../../src/evolve/selection';
import { resolveRung } from '../../src/ladder/rungs';
import { DesignStore } from '../../src/store';
import type { DesignRecord } from '../../src/store/types';
import { workspace } from '../store/helpers';

const ok = (valLoss: number) => ({ status: 'completed' as const, valLoss });

function rec(id: string, rating?: number): DesignRecord {
  return {
    id,
    parents: id === 'gpt2' ? [] : ['gpt2'],
    operator: id === 'gpt2' ? 'seed' : 'mutate',
    status: 'trained',
    createdAt: '2025-01-01T00:00:00.000Z',
    ...(rating !== undefined
      ? { proposal: { designer: 'llm', detail: { review: { rating, text: 'fine' } } } }
      : {}),
  };
}

void test('masseyRatings: margins fit by least squares; groups that never met stay apart', () => {
  const scores = new Map([
    ['a', 3],
    ['b', 2],
    ['c', 0],
  ]);
  const r = masseyRatings(['a', 'b', 'c', 'lone'], [{ scores, weight: 1 }]);
  const [a, b, c] = ['a', 'b', 'c'].map((id) => r.get(id) ?? NaN);
  assert.ok(a > b && b > c, `${a} ${b} ${c}`);
  // one criterion over everyone, consistent margins: the ratings reproduce them
  assert.ok(Math.abs(a - b - 1) < 1e-4 && Math.abs(b - c - 2) < 1e-4, `${a} ${b} ${c}`);
  assert.equal(r.has('lone'), false);
});

void test('the review rating counts in the ranking where fitness ties, by its weight', () => {
  const ds = [rec('gpt2'), rec('d1', 3), rec('d2', 5), rec('d3')];
  const results: RunResults = {
    gpt2: { '50k': ok(2) },
    d1: { '50k': ok(1.8) },
    d2: { '50k': ok(1.8) },
    d3: { '50k': ok(2.2) },
  };
  assert.equal(reviewRating(ds[2]), 5);
  assert.equal(reviewRating(ds[3]), undefined);
  const t = fitnessTable(ds, results, { rungs: ['50k'] });
  assert.equal(t.get('d2')?.review, 5);
  assert.ok((t.get('d2')?.rating ?? 0) > (t.get('d1')?.rating ?? 0));
  assert.ok((t.get('d1')?.rating ?? 0) > (t.get('d3')?.rating ?? 0));
  assert.deepEqual(pools(ds, t, 0.5).good, ['d2', 'd1']);
  const blind = fitnessTable(ds, results, { rungs: ['50k'], reviewWeight: 0 });
  assert.ok(Math.abs((blind.get('d2')?.rating ?? 0) - (blind.get('d1')?.rating ?? 1)) < 1e-9);
  assert.equal(checkSettings({}).reviewWeight, 0.5);
  assert.throws(() => checkSettings({ reviewWeight: 2 }), /probability/);
});

void test('the ranking weighs every rung: a design better at 250k beats one only seen at 50k', () => {
  const ds = [rec('gpt2'), rec('d1'), rec('d2'), rec('d3')];
  const results: RunResults = {
    gpt2: { '50k': ok(2), '250k': ok(1.6) },
    d1: { '50k': ok(1.95), '250k': ok(1.4) },
    d2: { '50k': ok(1.9) },
    d3: { '50k': ok(2.1) },
  };
  const t = fitnessTable(ds, results, { rungs: ['50k', '250k'] });
  const order = pools(ds, t, 1).good;
  assert.deepEqual(order.slice(0, 2), ['d1', 'd2']);
  assert.equal(order.at(-1), 'd3');
});

void test('highestFirst: the top rung first, a rung reference ahead of its designs', () => {
  const ps = [
    { id: 'a', rung: '50k' },
    { id: 'gpt2', rung: '250k', reference: true as const },
    { id: 'b', rung: '250k' },
    { id: 'c', rung: '1M' },
  ];
  assert.deepEqual(
    highestFirst(ps, ['50k', '250k', '1M']).map((p) => `${p.id}@${p.rung}`),
    ['c@1M', 'gpt2@250k', 'b@250k', 'a@50k'],
  );
});

void test('the loop asks the trainer for 4 validation passes a run (the last at the end)', async () => {
  const store = await DesignStore.open(workspace(), { readOnly: true });
  const rec0 = {
    id: 'gpt2',
    rung: '50k',
    runDir: '/tmp/x',
    steps: 54,
    status: 'training' as const,
    startedAt: '',
  };
  const s = { stepsScale: 1, backend: 'auto', seed: 0, probes: false };
  assert.deepEqual(jobFor(store, rec0, s).train, { evalEvery: 14 });
  assert.deepEqual(jobFor(store, { ...rec0, steps: 2 }, { ...s, evalsPerRun: 1 }).train, {
    evalEvery: 2,
  });
  await store.close();
});

void test('promotion explores: with promoteExploreRate a slot may go to a poorer design', () => {
  const ids = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8'];
  const ds = [rec('gpt2'), ...ids.map((id) => rec(id))];
  const results: Record<string, Record<string, { status: 'completed'; valLoss: number }>> = {
    gpt2: { '50k': ok(2) },
  };
  ids.forEach((id, i) => (results[id] = { '50k': ok(1.5 + i / 10) })); // d1 best
  const rungs = ['50k', '250k'].map((n) => resolveRung(n));
  const t = fitnessTable(ds, results, { rungs: ['50k', '250k'] });
  const at250 = (s: ReturnType<typeof checkSettings>, rng?: () => number) =>
    promotions(ds, t, rungs, s, [], rng)
      .filter((p) => p.rung === '250k' && p.reference !== true)
      .map((p) => p.id);
  assert.deepEqual(at250(checkSettings({})), ['d1', 'd2']);
  assert.deepEqual(
    at250(checkSettings({}), () => 0),
    ['d2', 'd3'],
  );
  assert.deepEqual(
    at250(checkSettings({}), () => 0.99),
    ['d1', 'd2'],
  );
  assert.deepEqual(
    at250(checkSettings({ promoteExploreRate: 0 }), () => 0),
    ['d1', 'd2'],
  );
});
