import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DesignStore } from '../../src/store';
import { workspace } from './helpers';

const CHILD = join(__dirname, 'crash-child.js');

/** A seeded generator (LCG): random but repeatable kill moments. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Runs the child and SIGKILLs it `ms` after it starts (when `afterOpen` is false: the kill may
 * land inside open's repairs) or after it has opened the store; resolves with the adds it
 * reported complete.
 */
function runAndKill(
  ws: string,
  round: number,
  ms: number,
  afterOpen: boolean,
): Promise<Map<string, string>> {
  const done = new Map<string, string>();
  const child = spawn(process.execPath, [CHILD, ws, String(round)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const parts = buf.slice(0, i).split(' ');
      buf = buf.slice(i + 1);
      if (parts[0] === 'open' && afterOpen) {
        timer = setTimeout(() => child.kill('SIGKILL'), ms);
      }
      if (parts.length === 3 && parts[0] === 'added') {
        done.set(parts[1], parts[2]);
      }
    }
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let timer = afterOpen ? undefined : setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`crash child ended by itself (code ${code}): ${err}`));
      } else {
        resolve(done);
      }
    });
  });
}

void test('SIGKILL at random moments loses no completed design and leaves no partial one', async () => {
  const ws = workspace();
  const next = rng(4);
  const completed = new Map<string, string>();
  for (let round = 0; round < 6; round++) {
    const afterOpen = round % 3 !== 2;
    const ms = afterOpen ? Math.floor(next() * 300) : 100 + Math.floor(next() * 500);
    for (const [id, tag] of await runAndKill(ws, round, ms, afterOpen)) {
      completed.set(id, tag);
    }
  }
  assert.ok(completed.size > 0, 'the child completed some adds before being killed');
  const store = await DesignStore.open(ws);
  const ids = store.list().map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'each design once');
  for (const [id, tag] of completed) {
    assert.equal(store.get(id)?.summary, tag, `completed design ${id} is present`);
    assert.ok(store.source(id).endsWith(`// variant ${tag}\n`));
  }
  const folders = readdirSync(join(ws, 'designs')).filter((f) => !f.startsWith('.'));
  assert.deepEqual(
    [...folders].sort(),
    [...ids].sort(),
    'the index holds exactly the design folders',
  );
  assert.deepEqual(
    readdirSync(join(ws, 'designs')).filter((f) => f.startsWith('.')),
    [],
    'no leftover is taken for a design',
  );
  const db = JSON.parse(readFileSync(join(ws, '.blocksmith/db.json'), 'utf8')) as {
    designs: Record<string, { record: unknown }>;
  };
  assert.deepEqual(Object.keys(db.designs).sort(), [...ids].sort());
  for (const id of ids) {
    assert.deepEqual(db.designs[id].record, store.get(id), `db.json agrees with designs/${id}`);
  }
  await store.close();
  assert.equal(existsSync(join(ws, '.blocksmith/lock')), false);
});
