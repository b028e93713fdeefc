// The ladder end to end with the real trainer child (dist/trainer.js): two designs at the 50k rung
// for a few steps, the GPT seed trained first as the reference, a design that leaks only at the
// training batch caught by the trainer's own check and listed as invalid; then `blocksmith
// ladder` again reuses the finished runs instead of training them again.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/cli';
import type { Io } from '../../src/cli/io';
import { defaultSteps, startLadder, type LadderResult } from '../../src/ladder/ladder';
import type { ScoredEntry } from '../../src/ladder/rank';
import { resolveRung } from '../../src/ladder/rungs';
import { seedsDir } from '../../src/paths';
import type { RunReport } from '../../src/train/report';
import { LEAKS_AT_BATCH_16 } from './leaky-block';

const ws = mkdtempSync(join(tmpdir(), 'bs-ladder-'));
after(() => {
  rmSync(ws, { recursive: true, force: true });
});

function design(id: string, source: string): string {
  mkdirSync(join(ws, 'designs', id), { recursive: true });
  const path = join(ws, 'designs', id, 'block.ts');
  writeFileSync(path, source);
  return path;
}

const retnet = design('retnet', '');
copyFileSync(join(seedsDir(), 'retnet', 'block.ts'), retnet);
const leaky = design('leaky', LEAKS_AT_BATCH_16);
const rung = resolveRung('50k');
/** Five steps a run. */
const stepsScale = 5 / defaultSteps(rung);

void test('ladder at 50k: GPT reference first, ranking, a leak at the training batch is invalid', async () => {
  const started: string[] = [];
  const ladder = startLadder(
    {
      blockPaths: [retnet, leaky],
      rungs: [rung],
      stepsScale,
      probes: false,
      backend: 'wasm',
      seed: 1,
      dataPaths: [],
    },
    { onStart: (_r, who) => started.push(who.id) },
  );
  const r: LadderResult = await ladder.result;
  assert.deepEqual(started, ['gpt2', 'retnet', 'leaky']);
  assert.equal(r.rungs.length, 1);
  const entries = r.rungs[0]?.entries ?? [];
  assert.deepEqual(
    entries.map((e) => [e.design, e.status, e.rank, e.reference, e.promoted]),
    [
      ['retnet', 'completed', 1, false, false],
      ['gpt2', 'completed', undefined, true, false],
      ['leaky', 'invalid', undefined, false, false],
    ],
  );
  const [ret, gpt, bad] = entries as [ScoredEntry, ScoredEntry, ScoredEntry];
  assert.equal(gpt.fitness, 1);
  assert.equal(ret.steps, 5);
  assert.ok(ret.fitness !== undefined && ret.fitness > 0);
  assert.match(
    bad.message ?? '',
    /train\/causality: at the training shape \(batch 16, context 64\)/,
  );
  // the reference ran first, so the design's report has its speed against the GPT run
  const rep = JSON.parse(readFileSync(ret.report ?? '', 'utf8')) as RunReport;
  assert.equal(rep.speed?.source, 'gpt-run');
  assert.ok(rep.speed.relativeToGpt > 0);
  assert.equal(ret.speedVsGpt, rep.speed.relativeToGpt);
  assert.deepEqual(
    r.ranking.map((p) => [p.design, p.highestRung, p.status]),
    [
      ['retnet', '50k', 'completed'],
      ['leaky', undefined, 'invalid'],
    ],
  );
});

function io(): Io & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    out: (t: string) => {
      o.stdout += t;
    },
    err: (t: string) => {
      o.stderr += t;
    },
    stdoutTTY: false,
    stderrTTY: false,
    env: { NO_COLOR: '1' },
    cwd: ws,
  };
  return o;
}

void test('blocksmith ladder again: finished runs are reused, not trained again', async () => {
  const args = ['ladder', 'designs/retnet/block.ts', 'designs/leaky/block.ts', '--rungs', '50k'];
  const opts = ['--steps-scale', String(stepsScale), '--backend', 'wasm', '--seed', '1'];
  const j = io();
  assert.equal(await main([...args, ...opts, '--json'], j), 0, j.stderr);
  const r = JSON.parse(j.stdout) as LadderResult;
  const entries = r.rungs[0]?.entries ?? [];
  assert.deepEqual(
    entries.map((e) => [e.design, e.status, e.reused]),
    [
      ['retnet', 'completed', true],
      ['gpt2', 'completed', true],
      ['leaky', 'invalid', false],
    ],
  );
  const h = io();
  assert.equal(await main([...args, ...opts], h), 0, h.stderr);
  assert.match(h.stdout, /^Rung 50k\n#\s+design\s+status\s+val loss/);
  assert.match(h.stdout, /\n1\s+retnet \(reused\)\s+completed/);
  assert.match(h.stdout, /\n {2}leaky: verify error: .*train\/causality/);
  assert.match(h.stdout, /Final ranking\n/);
  assert.match(h.stderr, /\[50k 1\/3\] gpt2 \(GPT reference\)/);
});

void test('blocksmith ladder: usage errors before anything runs', async () => {
  const cases: [string[], RegExp][] = [
    [['ladder'], /give one or more block files/],
    [['ladder', 'designs/retnet/block.ts', '--rungs', '50k,7k'], /unknown rung '7k'/],
    [['ladder', 'designs/retnet/block.ts', '--steps-scale', '0'], /--steps-scale must be/],
    [['ladder', 'designs/retnet/block.ts', '--rungs', '50k,50k'], /names no rung or one twice/],
  ];
  for (const [argv, text] of cases) {
    const o = io();
    assert.equal(await main(argv, o), 2, argv.join(' '));
    assert.match(o.stderr, text);
  }
});
