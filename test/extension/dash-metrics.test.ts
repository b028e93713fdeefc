// The metrics.jsonl reader and the curves built from it: whole lines only, a multi-byte character
// split across reads, a rewritten file, resumed runs that repeat steps, a fresh run that restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsTail, RunCurves, runOfMetrics } from '../../src/extension/lib/dash-metrics';
import type { TrainerMessage } from '../../src/train/protocol';

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bs-dash-'));
  test.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

const progress = (step: number, tokens: number, loss: number): TrainerMessage => ({
  type: 'progress',
  step,
  totalSteps: 10,
  tokens,
  loss,
  lr: 1e-3,
  tokensPerSec: 100,
  gradNorm: 1,
  elapsedMs: step * 10,
  etaMs: 100,
});

const hello = (resumedFrom: number): TrainerMessage => ({
  type: 'hello',
  backend: 'wasm',
  device: 'cpu',
  versions: {},
  pid: 1,
  workers: 1,
  totalSteps: 10,
  resumedFrom,
  config: {},
});

const line = (m: TrainerMessage): string => `${JSON.stringify({ ...m, time: 'now' })}\n`;

void test('MetricsTail: returns whole lines only, keeps a partial line for the next read', () => {
  const f = join(scratch(), 'metrics.jsonl');
  writeFileSync(f, line(progress(1, 64, 5)) + line(progress(2, 128, 4.5)).slice(0, 20));
  const t = new MetricsTail(f);
  assert.deepEqual(
    t.read().messages.map((m) => m.type),
    ['progress'],
  );
  appendFileSync(f, line(progress(2, 128, 4.5)).slice(20) + 'not json\n');
  const r = t.read();
  assert.equal(r.messages.length, 1);
  assert.equal((r.messages[0] as { step: number }).step, 2);
  assert.equal(t.read().messages.length, 0, 'nothing new, nothing read');
});

void test('MetricsTail: a multi-byte character cut between two reads decodes whole', () => {
  const f = join(scratch(), 'metrics.jsonl');
  const msg = `${JSON.stringify({ type: 'error', kind: 'data', message: 'données — ünïcode' })}\n`;
  const bytes = Buffer.from(msg, 'utf8');
  const cut = bytes.indexOf(Buffer.from('é', 'utf8')) + 1; // inside the two bytes of é
  writeFileSync(f, bytes.subarray(0, cut));
  const t = new MetricsTail(f);
  assert.equal(t.read().messages.length, 0);
  appendFileSync(f, bytes.subarray(cut));
  const [m] = t.read().messages;
  assert.equal(m.type === 'error' ? m.message : '', 'données — ünïcode');
});

void test('MetricsTail: a missing file reads nothing; a shrunk file starts over with reset', () => {
  const dir = scratch();
  const f = join(dir, 'metrics.jsonl');
  const t = new MetricsTail(f);
  assert.deepEqual(t.read(), { messages: [], reset: false });
  writeFileSync(f, line(progress(1, 64, 5)) + line(progress(2, 128, 4)));
  assert.equal(t.read().messages.length, 2);
  writeFileSync(f, line(progress(1, 64, 6)));
  const r = t.read();
  assert.equal(r.reset, true);
  assert.equal(r.messages.length, 1);
});

void test('RunCurves: progress -> train curve, eval -> val curve, non-finite losses dropped', () => {
  const c = new RunCurves('gpt2', '50k');
  const d = c.add([
    hello(0),
    progress(1, 64, 5),
    progress(2, 128, NaN),
    progress(3, 192, 4),
    { type: 'eval', step: 3, tokens: 192, valLoss: 4.2 },
  ]);
  assert.deepEqual(d.train, { tokens: [64, 192], loss: [5, 4] });
  assert.deepEqual(d.val, { tokens: [192], loss: [4.2] });
  assert.equal(d.restarted, false);
});

void test('RunCurves: a resumed run repeats steps: the curve only moves right', () => {
  const c = new RunCurves('gpt2', '50k');
  c.add([hello(0), progress(1, 64, 5), progress(2, 128, 4.5), progress(3, 192, 4)]);
  const d = c.add([hello(2), progress(3, 192, 4.01), progress(4, 256, 3.5)]);
  assert.deepEqual(d.train, { tokens: [256], loss: [3.5] });
  assert.deepEqual(c.train.tokens, [64, 128, 192, 256]);
});

void test('RunCurves: a fresh run in a folder with points starts over (restarted)', () => {
  const c = new RunCurves('gpt2', '50k');
  c.add([hello(0), progress(1, 64, 5), progress(2, 128, 4.5)]);
  const d = c.add([hello(0), progress(1, 64, 6)]);
  assert.equal(d.restarted, true);
  assert.deepEqual(c.train, { tokens: [64], loss: [6] });
  assert.deepEqual(d.train, c.train, 'a restart hands the whole curve');
});

void test('runOfMetrics: design and rung from the run folder', () => {
  assert.deepEqual(runOfMetrics('/w/.blocksmith/runs/gpt2-3/250k/metrics.jsonl'), {
    design: 'gpt2-3',
    rung: '250k',
  });
});
