// The loop's human gate through the CLI (in-process): proposals wait in pending-review, review
// accept/reject changes their status, status --json has its shape, review refuses while locked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/cli';
import type { Io } from '../../src/cli/io';
import { lineDiff } from '../../src/evolve/loop/diff';
import { DesignStore } from '../../src/store';
import { workspace } from '../store/helpers';

async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    stdoutTTY: false,
    stderrTTY: false,
    env,
    cwd: process.cwd(),
  };
  const code = await main(args, io);
  return { code, out, err };
}

interface StatusJson {
  designs: { id: string; parents: string[]; status: string; fitness: number | null }[];
  leaderboard: Record<string, unknown[]>;
}

void test('gate: proposals wait for review; accept and reject change their status; status --json', async () => {
  const ws = workspace();
  const ev = await cli([
    'evolve',
    '--workspace',
    ws,
    '--max-designs',
    '2',
    '--max-train-runs',
    '0',
    '--rungs',
    '50k',
  ]);
  assert.equal(ev.code, 0, ev.err);
  assert.match(ev.out, /wait for review/);
  const st = await cli(['status', '--workspace', ws, '--json']);
  const json = JSON.parse(st.out) as StatusJson;
  const pending = json.designs.filter((d) => d.status === 'pending-review');
  assert.equal(pending.length, 2, st.out);
  for (const d of json.designs) {
    assert.ok(typeof d.id === 'string' && Array.isArray(d.parents) && 'fitness' in d);
  }
  assert.ok('50k' in json.leaderboard);
  const [a, b] = pending.map((d) => d.id) as [string, string];
  const list = await cli(['review', '--workspace', ws]);
  assert.match(list.out, new RegExp(a));
  const show = await cli(['review', 'show', a, '--workspace', ws]);
  assert.equal(show.code, 0, show.err);
  assert.match(show.out, /^[-+]/m);
  assert.equal((await cli(['review', 'accept', a, '--workspace', ws])).code, 0);
  assert.equal((await cli(['review', 'reject', b, '--workspace', ws, '--reason', 'no'])).code, 0);
  const again = await cli(['review', 'accept', b, '--workspace', ws]);
  assert.equal(again.code, 2);
  assert.match(again.err, /not waiting for review/);
  const store = await DesignStore.open(ws);
  try {
    assert.equal(store.get(a)?.status, 'verified');
    assert.equal(store.get(b)?.status, 'rejected');
    // while another process (here: this one) holds the store, review says so
    const locked = await cli(['review', '--workspace', ws]);
    assert.equal(locked.code, 2);
    assert.match(locked.err, /in use by process/);
  } finally {
    await store.close();
  }
});

void test('evolve --designer llm without an endpoint says what to set', async () => {
  const ws = workspace();
  const r = await cli(['evolve', '--workspace', ws, '--designer', 'llm']);
  assert.equal(r.code, 2);
  assert.match(r.err, /BLOCKSMITH_BASE_URL/);
  const k = await cli([
    'evolve',
    '--workspace',
    ws,
    '--designer',
    'llm',
    '--base-url',
    'https://example.invalid/v1',
    '--model',
    'm',
  ]);
  assert.match(k.err, /BLOCKSMITH_API_KEY/);
});

void test('lineDiff shows the changed lines with context', () => {
  const d = lineDiff('a\nb\nc\nd', 'a\nB\nc\nd', ['x', 'y'], 1);
  assert.equal(d, '--- x\n+++ y\n@@\n a\n-b\n+B\n c');
  assert.equal(lineDiff('a', 'a', ['x', 'y']), '');
});
