import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DesignStore } from '../../src/store';
import { seedSource, variant, workspace } from './helpers';

const SEEDS = ['gpt2', 'mamba2', 'retnet', 'rwkv6', 'ttt'];

void test('first open imports the seeds of an init workspace; a second open has nothing to say', async () => {
  const ws = workspace();
  const store = await DesignStore.open(ws);
  assert.deepEqual(
    store
      .list()
      .map((r) => r.id)
      .sort(),
    SEEDS,
  );
  assert.equal(store.get('gpt2')?.operator, 'seed');
  assert.equal(store.get('gpt2')?.status, 'verified');
  assert.ok(store.notes.some((n) => n.kind === 'index-rebuilt'));
  assert.equal(store.notes.filter((n) => n.kind === 'imported').length, 5);
  const json = JSON.parse(readFileSync(join(ws, 'designs/gpt2/design.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  assert.equal(typeof json.blockSha256, 'string');
  assert.equal(typeof json.name, 'string', 'the seed design.json fields are kept');
  await store.close();
  const again = await DesignStore.open(ws);
  assert.deepEqual(again.notes, []);
  await again.close();
});

void test('add, get, update and source round-trip through the folders and the index', async () => {
  const ws = workspace();
  const store = await DesignStore.open(ws);
  const src = variant(seedSource(ws), 32);
  const rec = await store.add(src, {
    parents: ['gpt2'],
    operator: 'mutate',
    unit: 'MHA',
    status: 'proposed',
    summary: 'wider heads',
  });
  assert.equal(rec.id, 'gpt2-1');
  assert.deepEqual(store.get(rec.id), rec);
  assert.equal(store.source(rec.id), src);
  const up = await store.update(rec.id, {
    status: 'trained',
    fitness: { '50k': 3.5 },
    costs: { tokens: 10, usd: 0.01 },
  });
  assert.equal(up.status, 'trained');
  assert.equal(up.createdAt, rec.createdAt);
  const next = await store.add(variant(seedSource(ws), 8), {
    parents: [rec.id],
    operator: 'mutate',
    status: 'proposed',
  });
  assert.equal(next.id, 'gpt2-2', 'the stem is the parent without its -<n>');
  await store.close();
  const re = await DesignStore.open(ws);
  assert.deepEqual(re.notes, []);
  assert.deepEqual(re.get(rec.id), up);
  const json = JSON.parse(
    readFileSync(join(ws, 'designs', rec.id, 'design.json'), 'utf8'),
  ) as Record<string, unknown>;
  assert.deepEqual(json.fitness, { '50k': 3.5 });
  await assert.rejects(
    re.add(src, { parents: ['nope'], operator: 'mutate', status: 'proposed' }),
    /parent\(s\) nope are not in the store/,
  );
  await assert.rejects(
    re.add(src, { id: 'gpt2', parents: [], operator: 'manual', status: 'proposed' }),
    /id is taken/,
  );
  await assert.rejects(re.update('nope', { status: 'queued' }), /not in the store/);
  await re.close();
  await assert.rejects(re.update(rec.id, { status: 'queued' }), /closed/);
});

void test('findDuplicate ignores comments, layout and the design name; units() is the library', async () => {
  const ws = workspace();
  const store = await DesignStore.open(ws);
  const gpt2 = seedSource(ws);
  const restyled = gpt2
    .replace(/\/\*\*[\s\S]*?\*\//g, '')
    .replace(/\n\n/g, '\n')
    .replace("name: 'gpt2'", "name: 'copy'");
  assert.equal(store.findDuplicate(restyled), 'gpt2');
  assert.equal(store.findDuplicate(variant(gpt2, 32)), undefined);
  const added = await store.add(variant(gpt2, 32), {
    parents: ['gpt2'],
    operator: 'mutate',
    status: 'proposed',
  });
  assert.equal(store.findDuplicate(variant(gpt2, 32) + '\n// again\n'), added.id);
  const rms = store.units().filter((u) => u.name === 'RMSNorm');
  assert.ok(rms.some((u) => u.designs.includes('gpt2') && u.designs.includes(added.id)));
  for (const u of store.units()) {
    assert.match(u.hash, /^[0-9a-f]{64}$/);
  }
  await store.close();
});

void test('a corrupt or wrong-version db.json is kept aside and rebuilt from the folders', async () => {
  const ws = workspace();
  let store = await DesignStore.open(ws);
  const rec = await store.add(variant(seedSource(ws), 32), {
    parents: ['gpt2'],
    operator: 'mutate',
    status: 'proposed',
  });
  await store.update(rec.id, { status: 'verified' });
  await store.close();
  for (const bad of ['{"version": 1, "designs": {', JSON.stringify({ version: 99 })]) {
    writeFileSync(join(ws, '.blocksmith/db.json'), bad);
    store = await DesignStore.open(ws);
    assert.ok(
      store.notes.some((n) => n.kind === 'index-rebuilt'),
      JSON.stringify(store.notes),
    );
    assert.equal(store.get(rec.id)?.status, 'verified');
    assert.equal(store.list().length, 6);
    await store.close();
  }
  const kept = readdirSync(join(ws, '.blocksmith')).filter((f) => f.startsWith('db.json.corrupt-'));
  assert.equal(kept.length, 2);
  const fresh = await DesignStore.open(ws);
  const rec2 = await fresh.add(variant(seedSource(ws), 8), {
    parents: ['gpt2'],
    operator: 'mutate',
    status: 'proposed',
  });
  assert.equal(rec2.id, 'gpt2-2', 'the counter is rebuilt past the ids in the folders');
  await fresh.close();
});

void test('folders edited by hand are reconciled and reported', async () => {
  const ws = workspace();
  let store = await DesignStore.open(ws);
  const a = await store.add(variant(seedSource(ws), 32), {
    parents: ['gpt2'],
    operator: 'mutate',
    status: 'trained',
    fitness: { '50k': 3 },
  });
  await store.close();
  const d = (id: string, f = ''): string => join(ws, 'designs', id, f);
  writeFileSync(d(a.id, 'block.ts'), variant(seedSource(ws), 64));
  writeFileSync(d('retnet', 'design.json'), '{ broken');
  writeFileSync(d('ttt', 'design.json'), '');
  mkdirSync(d('mine'));
  writeFileSync(d('mine', 'block.ts'), seedSource(ws, 'mamba2'));
  store = await DesignStore.open(ws);
  const kinds = (id: string): string[] => store.notes.filter((n) => n.id === id).map((n) => n.kind);
  assert.deepEqual(kinds(a.id), ['changed-by-hand']);
  assert.equal(store.get(a.id)?.status, 'proposed');
  assert.equal(store.get(a.id)?.fitness, undefined);
  const json = JSON.parse(readFileSync(d(a.id, 'design.json'), 'utf8')) as {
    previous: { fitness: unknown };
  };
  assert.deepEqual(json.previous.fitness, { '50k': 3 }, 'earlier results are kept');
  assert.deepEqual(kinds('retnet'), ['repaired']);
  assert.equal(store.get('retnet')?.operator, 'seed');
  assert.ok(readdirSync(d('retnet')).some((f) => f.startsWith('design.json.broken-')));
  assert.deepEqual(kinds('ttt'), ['repaired']);
  assert.deepEqual(kinds('mine'), ['imported']);
  assert.equal(store.get('mine')?.operator, 'manual');
  await store.close();
  store = await DesignStore.open(ws);
  assert.deepEqual(store.notes, []);
  await store.close();
});
