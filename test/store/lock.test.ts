import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DesignStore } from '../../src/store';
import { seedSource, variant, workspace } from './helpers';

void test('a second writer gets a clear error naming the holder; read-only opens still work', async () => {
  const ws = workspace();
  const store = await DesignStore.open(ws);
  await assert.rejects(
    DesignStore.open(ws),
    new RegExp(`in use by process ${process.pid}\\b.*only one process may write`),
  );
  const reader = await DesignStore.open(ws, { readOnly: true });
  assert.equal(reader.list().length, 5);
  await assert.rejects(
    reader.add(seedSource(ws), { parents: [], operator: 'manual', status: 'proposed' }),
    /read-only/,
  );
  await store.close();
  assert.equal(existsSync(join(ws, '.blocksmith/lock')), false, 'close releases the lock');
  const after = await DesignStore.open(ws);
  await after.close();
});

void test('a stale lock of a dead process is taken over and reported', async () => {
  const ws = workspace();
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  mkdirSync(join(ws, '.blocksmith'), { recursive: true });
  const lock = { pid: dead, host: hostname(), startedAt: '2020-01-01T00:00:00.000Z' };
  writeFileSync(join(ws, '.blocksmith/lock'), JSON.stringify(lock));
  const store = await DesignStore.open(ws);
  const note = store.notes.find((n) => n.kind === 'lock-taken-over');
  assert.match(note?.message ?? '', new RegExp(`process ${dead}\\b`));
  await store.close();
});

void test('leftovers, stray folders and deleted designs are reported; ids are never reused', async () => {
  const ws = workspace();
  let store = await DesignStore.open(ws);
  const a = await store.add(variant(seedSource(ws), 32), {
    parents: ['gpt2'],
    operator: 'mutate',
    status: 'proposed',
  });
  await store.close();
  mkdirSync(join(ws, 'designs/.staging-gpt2-7'));
  writeFileSync(join(ws, 'designs/.staging-gpt2-7/block.ts'), 'half');
  mkdirSync(join(ws, 'designs/notes'));
  rmSync(join(ws, 'designs', a.id), { recursive: true });
  store = await DesignStore.open(ws);
  const kinds = store.notes.map((n) => n.kind).sort();
  assert.deepEqual(kinds, ['not-a-design', 'orphan', 'removed-by-hand']);
  assert.equal(existsSync(join(ws, 'designs/.staging-gpt2-7')), false);
  assert.equal(
    readdirSync(join(ws, '.blocksmith/orphans')).length,
    1,
    'the leftover is moved aside, not lost',
  );
  assert.equal(store.get(a.id), undefined);
  const b = await store.add(variant(seedSource(ws), 8), {
    parents: ['gpt2'],
    operator: 'mutate',
    status: 'proposed',
  });
  assert.equal(b.id, 'gpt2-8', 'past every id seen, leftovers included');
  await store.close();
});
