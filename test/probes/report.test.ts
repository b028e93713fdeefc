// report.json (src/train/report.ts; tested here, beside the probe scores it carries): the code
// hash, curve downsampling and the atomic write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMALLEST_RUNG } from '../../src/ladder/rungs';
import { codeHash, downsample, writeReport, type RunReport } from '../../src/train/report';

void test('codeHash: sha256 of the text, hex', () => {
  assert.equal(codeHash('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.notEqual(codeHash('abc '), codeHash('abc'));
});

void test('downsample: at most max points, first and last steps kept, bucket means', () => {
  const pts = Array.from({ length: 1000 }, (_, i) => [i, i % 2] as const);
  const out = downsample(pts, 100);
  assert.equal(out.length, 100);
  assert.deepEqual(out[0], [0, 0]);
  assert.equal(out[99][0], 999);
  assert.ok(
    out.slice(1).every(([, l]) => l === 0.5),
    'alternating losses average to 0.5',
  );
  assert.deepEqual(downsample(pts.slice(0, 3), 100), [
    [0, 0],
    [1, 1],
    [2, 0],
  ]);
});

void test('writeReport: report.json written whole, no temp file left, NaN kept readable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-report-'));
  try {
    const report: RunReport = {
      design: 'gpt2',
      blockPath: '/w/designs/gpt2/block.ts',
      codeHash: codeHash('x'),
      rung: SMALLEST_RUNG,
      hp: { headDim: 16 },
      seed: 1,
      backend: 'wasm',
      workers: 1,
      status: 'diverged',
      steps: 10,
      tokens: 640,
      wallMs: 1000,
      tokensPerSec: 640,
      curves: {
        trainLoss: [
          [0, 5.5],
          [9, NaN],
        ],
        valLoss: [],
      },
      final: { trainLoss: NaN, valLoss: 5.4 },
      probes: [],
      startedAt: new Date(0).toISOString(),
      finishedAt: new Date(1000).toISOString(),
      versions: { node: process.version },
    };
    const file = writeReport(join(dir, 'runs', 'gpt2', '50k'), report);
    const back = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(back.design, 'gpt2');
    assert.deepEqual(back.final, { trainLoss: 'NaN', valLoss: 5.4 });
    assert.deepEqual(readdirSync(join(dir, 'runs', 'gpt2', '50k')), ['report.json']);
    writeReport(join(dir, 'runs', 'gpt2', '50k'), { ...report, steps: 20 });
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as RunReport).steps, 20);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
