// Selection, part 1: settings, fitness, and the next action (operator mix, thresholds, restarts,
// exploit vs explore, parents only among verified designs), on made-up trees and results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../src/gab/rng';
import {
  checkSettings,
  chooseAction,
  defaultSettings,
  fitnessTable,
  SelectionError,
  SettingsError,
  type RunResults,
} from '../../src/evolve/selection';
import type { DesignRecord, DesignStatus } from '../../src/store/types';

const SEEDS = ['gpt2', 'mamba2', 'retnet', 'rwkv6', 'ttt'];

function rec(id: string, status: DesignStatus = 'verified', i = 0): DesignRecord {
  const seed = SEEDS.includes(id);
  return {
    id,
    parents: seed ? [] : ['gpt2'],
    operator: seed ? 'seed' : 'mutate',
    status,
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  };
}

/** The seeds plus `n` mutants d1..dn, all verified. */
function tree(n: number): DesignRecord[] {
  const ds = SEEDS.map((s, i) => rec(s, 'trained', i));
  for (let i = 1; i <= n; i++) {
    ds.push(rec(`d${i}`, 'verified', 10 + i));
  }
  return ds;
}

const ok = (valLoss: number) => ({ status: 'completed' as const, valLoss });

void test('settings: defaults are Genesys, overrides checked, unknown keys and bad values refused', () => {
  const d = defaultSettings();
  assert.equal(d.scratchRate, 0.05);
  assert.equal(d.crossoverRate, 0.15);
  assert.equal(d.crossoverAfter, 10);
  assert.equal(d.scratchAfter, 20);
  assert.equal(d.restartRate, 0.05);
  assert.equal(d.exploreRate, 0.2);
  assert.equal(d.promoteFraction, 0.25);
  assert.deepEqual(checkSettings({}), d);
  assert.equal(checkSettings({ exploreRate: 0.5 }).exploreRate, 0.5);
  assert.throws(
    () => checkSettings({ explorRate: 0.5 }),
    /unknown evolve setting 'explorRate'.*exploreRate/,
  );
  assert.throws(() => checkSettings({ exploreRate: '0.5' }), /'exploreRate' must be a number/);
  assert.throws(() => checkSettings({ exploreRate: 1.5 }), /probability/);
  assert.throws(() => checkSettings({ crossoverAfter: 2.5 }), /whole number/);
  assert.throws(() => checkSettings({ scratchRate: 0.6, crossoverRate: 0.6 }), /exceed 1/);
  assert.throws(() => checkSettings([]), SettingsError);
  assert.throws(() => checkSettings({ constructor: 1 }), /unknown evolve setting/);
});

void test('fitness: normalised against the GPT seed at the same rung; confidence by the highest rung', () => {
  const ds = tree(3);
  const results: RunResults = {
    gpt2: { '50k': ok(2), '250k': ok(1.5) },
    d1: { '50k': ok(1.6), '250k': ok(1.5) },
    d2: { '50k': ok(2.5) },
    d3: { '50k': { status: 'failed' } },
  };
  const t = fitnessTable(ds, results, { rungs: ['50k', '250k', '1M'] });
  assert.equal(t.get('gpt2')?.reference, true);
  assert.equal(t.get('gpt2')?.fitness, 1);
  assert.equal(t.get('d1')?.byRung['50k'], 2 / 1.6);
  assert.equal(t.get('d1')?.fitness, 1);
  assert.equal(t.get('d1')?.rung, '250k');
  assert.equal(t.get('d1')?.confidence, 2);
  assert.equal(t.get('d2')?.fitness, 2 / 2.5);
  assert.equal(t.get('d2')?.confidence, 1);
  assert.equal(t.get('d3')?.fitness, undefined);
  assert.equal(t.get('d3')?.confidence, 0);
  assert.equal(t.get('d3')?.runs['50k'], 'failed');
  // a fitness stored on the record stands in for a lost run folder
  const stored = fitnessTable([{ ...rec('d9'), fitness: { '50k': 0.9 } }], {}, { rungs: ['50k'] });
  assert.equal(stored.get('d9')?.fitness, 0.9);
  assert.equal(stored.get('d9')?.runs['50k'], 'completed');
  // ids and rungs are looked up as own keys: 'constructor' is a design, not Object's
  assert.equal(fitnessTable([rec('constructor')], {}).get('constructor')?.confidence, 0);
});

void test('chooseAction is a function of the rng stream', () => {
  const ds = tree(30);
  const t = fitnessTable(ds, {});
  const run = (seed: number) => {
    const rng = mulberry32(seed);
    return Array.from({ length: 50 }, () => chooseAction(ds, t, rng, defaultSettings()));
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

void test('the operator mix converges to the configured rates over many draws', () => {
  const ds = tree(30);
  const t = fitnessTable(ds, {});
  const count = (s = defaultSettings(), n = 20_000) => {
    const rng = mulberry32(1);
    const c = { mutate: 0, crossover: 0, scratch: 0 };
    for (let i = 0; i < n; i++) {
      c[chooseAction(ds, t, rng, s).operator]++;
    }
    return { mutate: c.mutate / n, crossover: c.crossover / n, scratch: c.scratch / n };
  };
  const f = count();
  assert.ok(Math.abs(f.scratch - 0.05) < 0.01, `scratch ${f.scratch}`);
  assert.ok(Math.abs(f.crossover - 0.15) < 0.01, `crossover ${f.crossover}`);
  assert.ok(Math.abs(f.mutate - 0.8) < 0.01, `mutate ${f.mutate}`);
  const g = count(checkSettings({ scratchRate: 0.3, crossoverRate: 0.3 }));
  assert.ok(Math.abs(g.scratch - 0.3) < 0.015 && Math.abs(g.crossover - 0.3) < 0.015);
});

void test('crossover only after 10 viable designs, scratch only after 20', () => {
  const draw = (ds: DesignRecord[]) => {
    const t = fitnessTable(ds, {});
    const rng = mulberry32(3);
    return new Set(
      Array.from({ length: 2000 }, () => chooseAction(ds, t, rng, defaultSettings()).operator),
    );
  };
  assert.deepEqual(draw(tree(4)), new Set(['mutate'])); // 9 designs
  assert.deepEqual(draw(tree(5)), new Set(['mutate', 'crossover'])); // 10
  assert.deepEqual(draw(tree(14)), new Set(['mutate', 'crossover'])); // 19
  assert.deepEqual(draw(tree(15)), new Set(['mutate', 'crossover', 'scratch'])); // 20
  // rejected designs do not count towards the thresholds
  const many = [...tree(4), ...Array.from({ length: 30 }, (_, i) => rec(`r${i}`, 'rejected'))];
  assert.deepEqual(draw(many), new Set(['mutate']));
});

void test('parents are only verified/queued/training/trained designs; crossovers take two distinct', () => {
  const bad: DesignStatus[] = ['failed', 'invalid', 'rejected', 'pending-review', 'proposed'];
  const ds = [...tree(20), ...bad.flatMap((s) => [0, 1, 2, 3].map((i) => rec(`${s}${i}`, s)))];
  const t = fitnessTable(ds, {});
  const rng = mulberry32(5);
  for (let i = 0; i < 3000; i++) {
    const a = chooseAction(ds, t, rng, defaultSettings());
    for (const p of a.parents) {
      assert.ok(!bad.includes(ds.find((d) => d.id === p)!.status), `${p} chosen as a parent`);
    }
    assert.equal(a.parents.length, { scratch: 0, mutate: 1, crossover: 2 }[a.operator]);
    assert.equal(new Set(a.parents).size, a.parents.length);
  }
  assert.throws(
    () => chooseAction([rec('x', 'failed')], new Map(), rng, defaultSettings()),
    (e: unknown) => e instanceof SelectionError && /no design can be a parent/.test(e.message),
  );
});

void test('restarts pick a seed at about restartRate of mutations', () => {
  const ds = tree(30);
  // the seeds are poor here, so without restarts they would seldom be parents
  const results: RunResults = Object.fromEntries(
    ds.map((d) => [d.id, { '50k': ok(SEEDS.includes(d.id) ? 3 : 2) }]),
  );
  const t = fitnessTable(ds, results);
  const rng = mulberry32(11);
  let mutations = 0;
  let restarts = 0;
  for (let i = 0; i < 20_000; i++) {
    const a = chooseAction(ds, t, rng, defaultSettings());
    if (a.choice === 'restart') {
      restarts++;
      assert.ok(SEEDS.includes(a.parents[0]));
    }
    mutations += a.operator === 'mutate' ? 1 : 0;
  }
  assert.ok(Math.abs(restarts / mutations - 0.05) < 0.01, `restart share ${restarts / mutations}`);
  const never = checkSettings({ restartRate: 0 });
  const r2 = mulberry32(11);
  for (let i = 0; i < 2000; i++) {
    assert.notEqual(chooseAction(ds, t, r2, never).choice, 'restart');
  }
});

void test('exploit picks good designs, better ones more often; explore picks poor ones at exploreRate', () => {
  const ds = tree(10);
  // d1 best ... d10 worst; seeds in between are poor (fitness below the median)
  const results: RunResults = {
    gpt2: { '50k': ok(2) },
    ...Object.fromEntries(
      ds.filter((d) => !SEEDS.includes(d.id)).map((d, i) => [d.id, { '50k': ok(1 + i * 0.2) }]),
    ),
  };
  const t = fitnessTable(ds, results);
  const s = checkSettings({ crossoverRate: 0, restartRate: 0 });
  const rng = mulberry32(13);
  const hits = new Map<string, number>();
  let explore = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const a = chooseAction(ds, t, rng, s);
    hits.set(a.parents[0], (hits.get(a.parents[0]) ?? 0) + 1);
    if (a.choice === 'explore') {
      explore++;
      const f = t.get(a.parents[0])?.fitness;
      assert.ok(f === undefined || f < 1.2, `explored ${a.parents[0]} of fitness ${f}`);
    } else {
      assert.equal(a.choice, 'exploit');
    }
  }
  assert.ok(Math.abs(explore / n - 0.2) < 0.015, `explore share ${explore / n}`);
  assert.ok((hits.get('d1') ?? 0) > (hits.get('d3') ?? 0));
  assert.ok((hits.get('d3') ?? 0) > (hits.get('d9') ?? 0));
  // untrained designs are unknown: only exploration reaches them
  const fresh = [...ds, rec('new1', 'verified', 99)];
  const t2 = fitnessTable(fresh, results);
  const r2 = mulberry32(17);
  for (let i = 0; i < 2000; i++) {
    const a = chooseAction(fresh, t2, r2, s);
    assert.ok(a.parents[0] !== 'new1' || a.choice === 'explore');
  }
});
