// The loop survives SIGKILL at random moments: run `evolve` (the bundled CLI) as a child on a
// fresh workspace with tiny budgets, kill it several times, run it to the end; then every design
// is present once, no folder is partial, and every run that had completed was kept, not re-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from '../../src/evolve/loop';
import { packageRoot } from '../../src/paths';
import { DesignStore, fingerprint } from '../../src/store';
import { workspace } from '../store/helpers';

const BIN = join(packageRoot(), 'bin', 'blocksmith.js');
const ARGS = [
  'evolve',
  '--auto-approve',
  '--designer',
  'offline',
  '--max-designs',
  '3',
  '--max-train-runs',
  '4',
  '--rungs',
  '50k',
  '--steps-scale',
  '0.01',
];

/** Runs evolve; SIGKILLs it after `killMs` when given. Resolves with its exit and output. */
function evolve(ws: string, killMs?: number): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [BIN, ...ARGS, '--workspace', ws], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = killMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killMs);
  return new Promise((res) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, out });
    });
  });
}

/** report.json text of every completed run, by run folder. */
function completedReports(ws: string): Map<string, string> {
  const out = new Map<string, string>();
  const runs = join(ws, '.blocksmith', 'runs');
  for (const d of existsSync(runs) ? readdirSync(runs) : []) {
    for (const rung of readdirSync(join(runs, d))) {
      const file = join(runs, d, rung, 'report.json');
      if (existsSync(file)) {
        const text = readFileSync(file, 'utf8');
        if ((JSON.parse(text) as { status?: string }).status === 'completed') {
          out.set(`${d}/${rung}`, text);
        }
      }
    }
  }
  return out;
}

/** Live trainer processes of this workspace (Linux), so none outlives the test. */
function trainersOf(ws: string): number[] {
  if (!existsSync('/proc')) {
    return [];
  }
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const cmd = readFileSync(`/proc/${n}/cmdline`, 'utf8');
        return cmd.includes('trainer.js') && cmd.includes(ws);
      } catch {
        return false;
      }
    })
    .map(Number);
}

void test('evolve killed at random moments, run again, ends with every design once and no run repeated', async () => {
  const ws = workspace();
  const seen = new Map<string, string>();
  // random moments from the store's open through proposals, verification and training
  const moments = [0, 1, 2, 3].map(() => 800 + Math.floor(Math.random() * 7500));
  for (const ms of moments) {
    await evolve(ws, ms);
    for (const [k, v] of completedReports(ws)) {
      if (seen.has(k)) {
        assert.equal(
          v,
          seen.get(k),
          `the completed run ${k} was re-run (kills at ${moments.join(', ')} ms)`,
        );
      }
      seen.set(k, v);
    }
  }
  const last = await evolve(ws);
  assert.equal(last.code, 0, `kills at ${moments.join(', ')} ms: ${last.out}`);
  assert.match(last.out, /budgets spent and queue drained/);
  for (const [k, v] of completedReports(ws)) {
    if (seen.has(k)) {
      assert.equal(v, seen.get(k), `the completed run ${k} was re-run`);
    }
  }
  assert.deepEqual(trainersOf(ws), [], 'a trainer outlived the loop');

  const store = await DesignStore.open(ws, { readOnly: true });
  try {
    const designs = store.list();
    const ids = designs.map((d) => d.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids');
    const prints = designs.map((d) => fingerprint(store.source(d.id)));
    assert.equal(new Set(prints).size, prints.length, 'duplicate normalised sources');
    assert.equal(designs.filter((d) => d.operator !== 'seed').length, 3, ids.join(' '));
    assert.deepEqual(
      store.notes.filter((n) => ['orphan', 'not-a-design', 'repaired'].includes(n.kind)),
      [],
    );
    for (const name of readdirSync(join(ws, 'designs'))) {
      assert.ok(!name.startsWith('.'), `leftover ${name} in designs/`);
      const files = readdirSync(join(ws, 'designs', name));
      assert.ok(files.includes('block.ts') && files.includes('design.json'), `partial ${name}`);
      assert.deepEqual(
        files.filter((f) => f.includes('.tmp-')),
        [],
        `temp file in ${name}`,
      );
    }
    const runs = Object.values(readState(store).runs);
    assert.equal(runs.length, 4, JSON.stringify(runs));
    assert.ok(
      runs.every((r) => r.status === 'completed'),
      JSON.stringify(runs),
    );
    assert.equal(completedReports(ws).size, 4);
    assert.ok(designs.every((d) => d.status !== 'training'));
  } finally {
    await store.close();
  }
});
