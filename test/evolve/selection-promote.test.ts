// Selection, part 2: promotions up the ladder (lowest rung first, each rung within its
// maxDesigns, a quarter of the rung below, the GPT reference first and free, failed designs
// never), on made-up trees and results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkSettings,
  defaultSettings,
  fitnessTable,
  promotions,
  type RunResults,
} from '../../src/evolve/selection';
import { RUNGS, type Rung } from '../../src/ladder/rungs';
import type { DesignRecord, DesignStatus } from '../../src/store/types';

const LAPTOP: readonly Rung[] = RUNGS.filter((r) => r.kind === 'laptop'); // 50k 32, 250k 8, 1M 2
const NAMES = LAPTOP.map((r) => r.name);

function rec(id: string, status: DesignStatus = 'verified', i = 0): DesignRecord {
  const seed = ['gpt2', 'mamba2'].includes(id);
  return {
    id,
    parents: seed ? [] : ['gpt2'],
    operator: seed ? 'seed' : 'mutate',
    status,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  };
}

const designs = (n: number): DesignRecord[] => [
  rec('gpt2', 'trained', 0),
  rec('mamba2', 'trained', 1),
  ...Array.from({ length: n }, (_, i) => rec(`d${i + 1}`, 'verified', 10 + i)),
];
const ok = (valLoss: number) => ({ status: 'completed' as const, valLoss });
const plan = (ds: DesignRecord[], results: RunResults, s = defaultSettings(), running = []) =>
  promotions(ds, fitnessTable(ds, results, { rungs: NAMES }), LAPTOP, s, running);

void test('a fresh tree trains at the lowest rung first: the reference first, seeds, then oldest', () => {
  const p = plan(designs(3), {});
  assert.deepEqual(p, [
    { id: 'gpt2', rung: '50k', reference: true },
    { id: 'mamba2', rung: '50k' },
    { id: 'd1', rung: '50k' },
    { id: 'd2', rung: '50k' },
    { id: 'd3', rung: '50k' },
  ]);
});

void test("a rung's maxDesigns bounds its runs; the reference takes no slot; running runs hold theirs", () => {
  const ds = designs(40);
  const p = plan(ds, {});
  assert.equal(p.filter((x) => x.rung === '50k' && x.reference !== true).length, 32);
  const results: RunResults = Object.fromEntries(
    ds.slice(0, 21).map((d) => [d.id, { '50k': ok(2) }]),
  );
  const running = [{ id: 'd30', rung: '50k' }];
  const q = promotions(
    ds,
    fitnessTable(ds, results, { rungs: NAMES }),
    LAPTOP,
    defaultSettings(),
    running,
  );
  const at50 = q.filter((x) => x.rung === '50k');
  // 20 designs done (the reference is free), 1 running: 11 slots left; d30 is not proposed again
  assert.equal(at50.length, 11);
  assert.ok(!at50.some((x) => x.id === 'd30'));
});

void test('promotion: a quarter of the rung below, best first, after promoteAfter ranked, lowest rung first', () => {
  const ds = designs(12);
  // d1 best: losses rise with the index; the gpt2 reference at 2.0
  const at50: Record<string, RunResults[string]> = {
    gpt2: { '50k': ok(2) },
    mamba2: { '50k': ok(2.2) },
  };
  ds.slice(2).forEach((d, i) => (at50[d.id] = { '50k': ok(1.5 + i * 0.05) }));
  const p = plan(ds, at50);
  // 13 ranked (12 + mamba2): ceil(13/4) = 4 go up to 250k, the reference with them
  assert.deepEqual(p, [
    { id: 'gpt2', rung: '250k', reference: true },
    { id: 'd1', rung: '250k' },
    { id: 'd2', rung: '250k' },
    { id: 'd3', rung: '250k' },
    { id: 'd4', rung: '250k' },
  ]);
  // with only 3 ranked, nobody goes up yet
  const few = designs(3);
  const r3: RunResults = Object.fromEntries(few.map((d) => [d.id, { '50k': ok(2) }]));
  assert.deepEqual(
    plan(few, { ...r3, d3: {} }).map((x) => x.rung),
    ['50k'],
  );
  assert.deepEqual(plan(few, r3, checkSettings({ promoteAfter: 3 })).length, 2); // ref + 1
  // untrained designs come before promotions: the lowest rung first
  const mixed = [...ds, rec('late', 'verified', 99)];
  const m = plan(mixed, at50);
  assert.deepEqual(m[0], { id: 'late', rung: '50k' });
  assert.ok(m.slice(1).every((x) => x.rung === '250k'));
});

void test('a design never skips a rung and never trains at two rungs at once', () => {
  const ds = designs(8);
  const results: RunResults = Object.fromEntries(
    ds.map((d, i) => [
      d.id,
      { '50k': ok(1 + i * 0.1), ...(i < 3 ? { '250k': ok(1 + i * 0.1) } : {}) },
    ]),
  );
  const p = plan(ds, results);
  const ids = p.map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length);
  const t = fitnessTable(ds, results, { rungs: NAMES });
  for (const x of p) {
    const i = NAMES.indexOf(x.rung);
    assert.ok(
      i === 0 || t.get(x.id)?.byRung[NAMES[i - 1]] !== undefined,
      `${x.id} skips to ${x.rung}`,
    );
  }
  // 1M takes ceil(ranked at 250k / 4) = 1, but only once 4 are ranked there (2 now)
  assert.ok(!p.some((x) => x.rung === '1M'));
  const more = {
    ...results,
    d4: { '50k': ok(1.1), '250k': ok(0.9) },
    d5: { '50k': ok(1.2), '250k': ok(1.0) },
  };
  const q = plan(ds, more);
  assert.deepEqual(
    q.filter((x) => x.rung === '1M'),
    [
      { id: 'gpt2', rung: '1M', reference: true },
      { id: 'd4', rung: '1M' },
    ],
  );
});

void test('failed, invalid, rejected and pending designs are never promoted; failed runs are not retried, stopped ones are', () => {
  const ds = [
    ...designs(0),
    rec('f', 'failed', 20),
    rec('i', 'invalid', 21),
    rec('r', 'rejected', 22),
    rec('q', 'pending-review', 23),
    rec('s', 'queued', 24),
    rec('x', 'trained', 25),
  ];
  const results: RunResults = {
    gpt2: { '50k': ok(2) },
    mamba2: { '50k': ok(2) },
    s: { '50k': { status: 'stopped', valLoss: 2 } },
    x: { '50k': { status: 'diverged' } },
  };
  const p = plan(ds, results);
  assert.deepEqual(p, [{ id: 's', rung: '50k' }]);
});
