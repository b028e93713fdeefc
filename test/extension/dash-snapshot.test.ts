// The snapshot from a real `init` workspace with run folders on disk (as a CLI run leaves them),
// and the curve book's incremental appends, merged per curve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CurveBook, mergeAppends, metricsFiles } from '../../src/extension/lib/dash-curves';
import { buildSnapshot, detailOf, readWorkspace } from '../../src/extension/lib/dash-snapshot';
import { workspace } from '../store/helpers';

const progress = (step: number, loss: number): string =>
  `${JSON.stringify({ type: 'progress', step, totalSteps: 10, tokens: step * 64, loss, lr: 1e-3, tokensPerSec: 100, gradNorm: 1, elapsedMs: 1, etaMs: 1 })}\n`;
const evalLine = (step: number, valLoss: number): string =>
  `${JSON.stringify({ type: 'eval', step, tokens: step * 64, valLoss })}\n`;

function run(ws: string, design: string, rung: string, text: string): string {
  const dir = join(ws, '.blocksmith', 'runs', design, rung);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'metrics.jsonl'), text);
  return join(dir, 'metrics.jsonl');
}

void test('snapshot: the seeds, every run folder as curves, spending, no leaderboard yet', async () => {
  const ws = workspace();
  run(ws, 'gpt2', '50k', progress(1, 5) + progress(2, 4) + evalLine(2, 4.2));
  run(ws, 'rwkv6', '50k', progress(1, 5.5));
  const book = new CurveBook(ws);
  book.pollAll();
  const { designs, loop } = await readWorkspace(ws);
  const snap = buildSnapshot({
    root: ws,
    designs,
    loop,
    caps: { maxUsd: 5 },
    curves: book,
    training: null,
  });
  assert.equal(snap.workspace, ws);
  assert.deepEqual(snap.designs.map((d) => d.id).sort(), [
    'gpt2',
    'mamba2',
    'retnet',
    'rwkv6',
    'ttt',
  ]);
  assert.deepEqual(
    snap.curves.map((c) => [c.key, c.tokens.length]),
    [
      ['gpt2@50k:train', 2],
      ['gpt2@50k:val', 1],
      ['rwkv6@50k:train', 1],
    ],
  );
  assert.deepEqual(snap.leaderboards, []);
  assert.equal(snap.spending.maxUsd, 5);
  assert.equal(snap.training, null);
  const detail = detailOf(ws, designs, 'gpt2');
  assert.equal(detail?.id, 'gpt2');
  assert.equal(detail.diff, '', 'a seed has no parent');
  assert.equal(detailOf(ws, designs, 'nope'), undefined);
});

void test('CurveBook: a poll hands only the new points; a new run folder is found by pollAll', () => {
  const ws = workspace();
  const f = run(ws, 'gpt2', '50k', progress(1, 5));
  const book = new CurveBook(ws);
  assert.equal(book.pollAll().appends.length, 1);
  appendFileSync(f, progress(2, 4.5) + progress(3, 4));
  const u = book.poll(f);
  assert.deepEqual(
    u.appends.map((a) => [a.key, a.tokens]),
    [['gpt2@50k:train', [128, 192]]],
  );
  assert.equal(u.messages[0]?.messages.length, 2);
  run(ws, 'ttt', '250k', progress(1, 6));
  assert.deepEqual(
    book.pollAll().appends.map((a) => a.key),
    ['ttt@250k:train'],
  );
  assert.equal(metricsFiles(ws).length, 2);
});

void test('CurveBook: a rewritten file asks for a new snapshot', () => {
  const ws = workspace();
  const f = run(ws, 'gpt2', '50k', progress(1, 5) + progress(2, 4));
  const book = new CurveBook(ws);
  book.pollAll();
  writeFileSync(f, progress(1, 6));
  const u = book.poll(f);
  assert.equal(u.resnapshot, true);
  assert.deepEqual(u.appends, []);
  assert.deepEqual(book.series()[0]?.tokens, [64]);
});

void test('mergeAppends: one post per curve, points in order', () => {
  const a = { type: 'curve-append' as const, design: 'd', rung: '50k', kind: 'train' as const };
  const merged = mergeAppends([
    { ...a, key: 'd@50k:train', tokens: [1], loss: [5] },
    { ...a, key: 'd@50k:val', kind: 'val', tokens: [1], loss: [6] },
    { ...a, key: 'd@50k:train', tokens: [2, 3], loss: [4, 3] },
  ]);
  assert.deepEqual(
    merged.map((m) => [m.key, m.tokens, m.loss]),
    [
      ['d@50k:train', [1, 2, 3], [5, 4, 3]],
      ['d@50k:val', [1], [6]],
    ],
  );
});
