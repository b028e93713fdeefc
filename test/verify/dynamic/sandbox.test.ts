// The sandbox's flags, its protocol, and how the parent maps each ending to results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endingResults } from '../../../src/verify/dynamic';
import { formatMessage, parseMessage } from '../../../src/sandbox/protocol';
import { permissionFlag, sandboxArgs, type SandboxOutcome } from '../../../src/sandbox/spawn';

const limits = { timeoutMs: 5_000, memoryMb: 512 };

function outcome(over: Partial<SandboxOutcome>): SandboxOutcome {
  return {
    end: 'crash',
    messages: [],
    lastCheck: 'dynamic/causality',
    exitCode: 1,
    signal: null,
    stderrTail: '',
    peakRssMb: 100,
    wallMs: 10,
    ...over,
  };
}

void test('protocol: a message survives a round trip; stray lines are ignored', () => {
  const msg = { type: 'progress', check: 'dynamic/finite' } as const;
  assert.deepEqual(parseMessage(formatMessage(msg).trim()), msg);
  assert.equal(parseMessage('warning: something'), undefined);
  assert.equal(parseMessage('{"type":"other"}'), undefined);
});

void test('sandbox flags: heap limit, and the permission model where Node has it', () => {
  const args = sandboxArgs(512);
  assert.ok(args.includes('--max-old-space-size=512'));
  const flag = permissionFlag();
  if (flag) {
    assert.ok(args.includes(flag));
    assert.ok(args.some((a) => a.startsWith('--allow-fs-read=')));
    assert.ok(!args.some((a) => /allow-(fs-write|child-process|worker)/.test(a)));
  }
});

void test('sandbox flags: the child can neither write files nor spawn processes', (t) => {
  if (!permissionFlag()) {
    t.skip('this Node has no permission model');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bs-sandbox-'));
  try {
    const probe = (code: string): string => {
      const r = spawnSync(process.execPath, [...sandboxArgs(256), '-e', code], {
        encoding: 'utf8',
      });
      return `${r.stdout}${r.stderr}`;
    };
    const write = probe(`require('fs').writeFileSync(${JSON.stringify(join(dir, 'x'))}, 'y')`);
    assert.match(write, /ERR_ACCESS_DENIED/);
    const spawn = probe(`require('child_process').execSync('true')`);
    assert.match(spawn, /ERR_ACCESS_DENIED/);
    // The escape through a host function's constructor (e.g. ops.add.constructor) compiles nothing.
    const escape = probe(`console.log((() => 0).constructor('return 42')())`);
    assert.match(escape, /Code generation from strings disallowed/);
    assert.doesNotMatch(escape, /^42/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('endings: a timeout names the check that was running', () => {
  const [r] = endingResults(outcome({ end: 'timeout' }), limits);
  assert.equal(r.id, 'dynamic/timeout');
  assert.equal(r.severity, 'error');
  assert.match(r.message, /dynamic\/causality/);
});

void test('endings: killed for memory, or V8 out of heap, is dynamic/memory-limit', () => {
  assert.equal(endingResults(outcome({ end: 'memory' }), limits)[0]?.id, 'dynamic/memory-limit');
  const heap = outcome({
    stderrTail: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  });
  assert.equal(endingResults(heap, limits)[0]?.id, 'dynamic/memory-limit');
});

void test('endings: any other death is dynamic/crash with the stderr tail; done adds nothing', () => {
  const [r] = endingResults(outcome({ stderrTail: 'Segmentation fault' }), limits);
  assert.equal(r.id, 'dynamic/crash');
  assert.match(r.message, /Segmentation fault/);
  assert.deepEqual(endingResults(outcome({ end: 'done' }), limits), []);
});
