// The dashboard's data: tree nodes with fitness at the highest rung, leaderboards per rung (best
// first, the GPT seed scoring 1), spending with the loop's totals, a design's detail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  designDetail,
  designsAndBoards,
  highestReportRung,
  readReports,
  spendingOf,
} from '../../src/extension/lib/dash-data';
import type { DesignRecord } from '../../src/store';
import type { RunReport } from '../../src/train/report';

const rec = (id: string, extra: Partial<DesignRecord> = {}): DesignRecord => ({
  id,
  parents: [],
  operator: 'seed',
  status: 'trained',
  createdAt: `2026-01-01T00:00:0${id.length % 10}.000Z`,
  ...extra,
});

/** The part of report.json the dashboard reads. */
const report = (valLoss: number, status = 'completed'): RunReport =>
  ({
    status,
    codeHash: 'h',
    final: { trainLoss: valLoss, valLoss, bitsPerByte: valLoss / Math.LN2 },
    probes: [{ name: 'mqar', accuracy: 0.5, chance: 0.1, steps: 1, lr: 1, detail: {} }],
    tokensPerSec: 1000,
    wallMs: 5000,
  }) as unknown as RunReport;

const designs = [
  rec('gpt2'),
  rec('mamba2'),
  rec('gpt2-1', { operator: 'mutate', parents: ['gpt2'], summary: 'wider heads\nmore text' }),
];
const byRun: Record<string, RunReport> = {
  'gpt2@50k': report(3.0),
  'mamba2@50k': report(3.3),
  'gpt2-1@50k': report(2.9),
  'gpt2-1@250k': report(2.5),
  'gpt2@250k': report(2.6),
};
const reports = readReports(designs, (id, rung) => byRun[`${id}@${rung}`]);

void test('designsAndBoards: nodes carry fitness at the highest rung; boards best first', () => {
  const { designs: nodes, leaderboards } = designsAndBoards(designs, reports);
  const child = nodes.find((n) => n.id === 'gpt2-1');
  assert.ok(child);
  assert.equal(child.rung, '250k');
  assert.equal(child.summary, 'wider heads', 'the first line of the summary');
  assert.ok((child.fitness ?? 0) > 1, 'beats the GPT seed');
  assert.equal(nodes.find((n) => n.id === 'gpt2')?.fitness, 1, 'the reference scores 1');
  assert.deepEqual(
    leaderboards.map((b) => b.rung),
    ['50k', '250k'],
  );
  const b50 = leaderboards[0];
  assert.deepEqual(
    b50.rows.map((r) => r.id),
    ['gpt2-1', 'gpt2', 'mamba2'],
  );
  assert.equal(b50.rows[0].probes['mqar'], 0.5);
  assert.equal(b50.rows[0].tokensPerSec, 1000);
});

void test('designsAndBoards: a stopped run is not on the board; no runs, no boards', () => {
  const only = readReports([rec('gpt2')], () => report(3, 'stopped'));
  assert.deepEqual(designsAndBoards([rec('gpt2')], only).leaderboards, []);
});

void test('spendingOf: per-design costs, the loop total when larger, the caps', () => {
  const s = spendingOf(
    [rec('a', { costs: { tokens: 100, usd: 0.01 } }), rec('b', { costs: { tokens: 0, usd: 0 } })],
    { tokens: 250, usd: 0.02 },
    { maxTokens: 1000, maxUsd: 5 },
  );
  assert.deepEqual(s, {
    tokens: 250,
    usd: 0.02,
    maxTokens: 1000,
    maxUsd: 5,
    byDesign: { a: { tokens: 100, usd: 0.01 } },
  });
});

void test('designDetail: proposal, review, failed checks, runs and the diff to the parent', () => {
  const d = rec('gpt2-1', {
    operator: 'mutate',
    parents: ['gpt2'],
    summary: 'wider heads',
    proposal: { designer: 'llm', detail: { proposal: { rationale: 'more capacity per head' } } },
    review: { rating: 4, text: 'plausible' },
    verification: { ok: false, failed: [{ id: 'dynamic/speed', message: '1.6x the GPT seed' }] },
  });
  const node = designsAndBoards(designs, reports).designs.find((n) => n.id === 'gpt2-1');
  assert.ok(node !== undefined);
  const sources: Record<string, string> = { gpt2: 'a\nb\nc', 'gpt2-1': 'a\nB\nc' };
  const detail = designDetail(d, node, reports.get('gpt2-1'), (id) => sources[id]);
  assert.equal(detail.proposal, 'wider heads\n\nmore capacity per head');
  assert.deepEqual(detail.review, { rating: 4, text: 'plausible' });
  assert.deepEqual(detail.verification, ['dynamic/speed: 1.6x the GPT seed']);
  assert.deepEqual(
    detail.runs.map((r) => [r.rung, r.status, r.valLoss]),
    [
      ['50k', 'completed', 2.9],
      ['250k', 'completed', 2.5],
    ],
  );
  assert.equal(detail.diff, '--- gpt2/block.ts\n+++ gpt2-1/block.ts\n@@\n a\n-b\n+B\n c');
});

void test('designDetail: a seed has no diff; highestReportRung follows the ladder order', () => {
  const node = designsAndBoards(designs, reports).designs[0];
  assert.equal(designDetail(rec('gpt2'), node, undefined, () => 'x').diff, '');
  assert.equal(highestReportRung(reports.get('gpt2-1')), '250k');
  assert.equal(highestReportRung(undefined), undefined);
});
