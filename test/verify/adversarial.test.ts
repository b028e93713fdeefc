// The adversarial suite: each fixture in test/fixtures/adversarial is a block wrong in exactly
// one way, named on its first line (`// expect: <check-id>`); the control (`expect: pass`) is the
// base they all change. The verifier must fail that check with severity error, and return.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths';
import { verifySource, type VerifyOptions } from '../../src/verify';

const dir = join(packageRoot(), 'test', 'fixtures', 'adversarial');

/** Tighter limits where a fixture waits for the watchdog, so the suite stays short. */
const LIMITS: Readonly<Record<string, VerifyOptions>> = {
  'endless-loop.ts': { timeoutMs: 6_000 },
  'exponential-work.ts': { timeoutMs: 5_000 },
  'huge-param.ts': { memoryMb: 400 },
  'tensor-allocation-loop.ts': { memoryMb: 400 },
  'heap-growth.ts': { memoryMb: 400 },
};

function expected(source: string, file: string): string {
  const m = /^\/\/ expect: (\S+)/.exec(source);
  assert.ok(m, `${file}: the first line must be \`// expect: <check-id>\``);
  return m[1];
}

for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .sort()) {
  void test(`adversarial: ${file}`, async () => {
    const source = readFileSync(join(dir, file), 'utf8');
    const want = expected(source, file);
    const progress: string[] = [];
    const report = await verifySource(join(dir, file), source, {
      ...LIMITS[file],
      onProgress: (m) => progress.push(m),
    });
    const summary = report.checks
      .filter((c) => !c.ok)
      .map((c) => `${c.severity} ${c.id}: ${c.message}`)
      .join('\n');
    if (want === 'pass') {
      assert.equal(report.ok, true, `the control must pass; failures:\n${summary}`);
      assert.ok(report.checks.some((c) => c.id === 'dynamic/loss-decreases' && c.ok));
      return;
    }
    assert.equal(report.ok, false, `${file} must be blocked`);
    const hit = report.checks.find((c) => c.id === want && !c.ok);
    assert.ok(hit, `${file}: expected ${want} to fail; failures:\n${summary}`);
    assert.equal(hit.severity, 'error');
    if (want.startsWith('static/')) {
      // A design failing static checks never runs: no dynamic result, no progress.
      assert.deepEqual(
        report.checks.filter((c) => c.id.startsWith('dynamic/')).map((c) => c.id),
        [],
      );
      assert.deepEqual(progress, []);
    } else {
      assert.ok(progress.length > 0, 'the dynamic checks report progress');
    }
  });
}
