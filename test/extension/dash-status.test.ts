// The training status line: durations, rates, the status bar text the e2e suite reads, log lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  duration,
  freshStatus,
  logLine,
  nextStatus,
  rate,
  statusBarText,
} from '../../src/extension/lib/dash-status';

void test('duration and rate: short words', () => {
  assert.equal(duration(42_000), '42s');
  assert.equal(duration(185_000), '3m05s');
  assert.equal(duration(3_720_000), '1h02m');
  assert.equal(duration(-5), '0s');
  assert.equal(rate(950), '950');
  assert.equal(rate(12_345), '12.3k');
  assert.equal(rate(1_200_000), '1.2M');
  assert.equal(rate(NaN), '0');
});

void test('status bar text starts with the spinner and the design id', () => {
  const s0 = freshStatus('gpt2-1', '50k');
  assert.ok(statusBarText(s0).startsWith('$(sync~spin) gpt2-1'));
  const s1 = nextStatus(s0, 'gpt2-1', '50k', {
    type: 'progress',
    step: 25,
    totalSteps: 100,
    tokens: 1600,
    loss: 3.2,
    lr: 1e-3,
    tokensPerSec: 1500,
    gradNorm: 1,
    elapsedMs: 1000,
    etaMs: 65_000,
  });
  assert.ok(s1 !== null);
  assert.equal(statusBarText(s1), '$(sync~spin) gpt2-1 @50k 25% 1.5k tok/s ETA 1m05s');
});

void test('nextStatus: hello sets the totals and resume step; done and error end it', () => {
  const h = nextStatus(null, 'd', '50k', {
    type: 'hello',
    backend: 'wasm',
    device: 'cpu',
    versions: {},
    pid: 1,
    workers: 2,
    totalSteps: 80,
    resumedFrom: 40,
    config: {},
  });
  assert.equal(h?.step, 40);
  assert.equal(h.totalSteps, 80);
  assert.equal(
    nextStatus(h, 'd', '50k', {
      type: 'done',
      status: 'completed',
      step: 80,
      report: 'r',
      summary: {},
    }),
    null,
  );
  assert.equal(nextStatus(h, 'd', '50k', { type: 'error', kind: 'internal', message: 'x' }), null);
});

void test('logLine: one line per eval, hello with warnings, the end; none for progress', () => {
  assert.equal(
    logLine('d', '50k', {
      type: 'eval',
      step: 10,
      tokens: 640,
      valLoss: 3.14159,
      bitsPerByte: 4.5,
    }),
    'd@50k: step 10: validation loss 3.1416 (4.500 bits/byte)',
  );
  const hello = logLine('d', '50k', {
    type: 'hello',
    backend: 'wasm',
    device: 'cpu',
    versions: {},
    pid: 1,
    workers: 2,
    totalSteps: 80,
    resumedFrom: 40,
    config: {},
    warnings: ['skipped a checkpoint'],
  });
  assert.equal(
    hello,
    'd@50k: training on wasm (cpu, 2 worker(s)), 80 steps, resumed from step 40\nd@50k: warning: skipped a checkpoint',
  );
  assert.equal(
    logLine('d', '50k', {
      type: 'progress',
      step: 1,
      totalSteps: 2,
      tokens: 1,
      loss: 1,
      lr: 1,
      tokensPerSec: 1,
      gradNorm: 1,
      elapsedMs: 1,
      etaMs: 1,
    }),
    undefined,
  );
});
