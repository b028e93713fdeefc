import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, paint, toJson } from '../../src/core/report';
import type { VerifyReport } from '../../src/verify/types';

const report: VerifyReport = {
  ok: false,
  checks: [
    { id: 'static/syntax', ok: true, severity: 'error', message: 'parses' },
    {
      id: 'static/forbidden-import',
      ok: false,
      severity: 'error',
      message: "import of 'fs'",
      line: 3,
      column: 7,
      endLine: 3,
      endColumn: 12,
      unit: 'Root',
      data: { module: 'fs' },
    },
    { id: 'dynamic/speed', ok: false, severity: 'warning', message: '2x slower' },
  ],
};

void test('toJson keeps exactly id, ok, severity, message and a known line/column', () => {
  const j = toJson(report);
  assert.deepEqual(Object.keys(j), ['ok', 'checks']);
  assert.deepEqual(j.checks[1], {
    id: 'static/forbidden-import',
    ok: false,
    severity: 'error',
    message: "import of 'fs'",
    line: 3,
    column: 7,
  });
  assert.deepEqual(Object.keys(j.checks[2]), ['id', 'ok', 'severity', 'message']);
  assert.equal(toJson(report, 'a.ts').file, 'a.ts');
});

void test('formatReport: failures first with file:line:column, then passes, then the verdict', () => {
  const lines = formatReport('a.ts', report).split('\n');
  assert.equal(lines[0], "a.ts:3:7: error [static/forbidden-import] import of 'fs'");
  assert.equal(lines[1], 'a.ts: warning [dynamic/speed] 2x slower');
  assert.match(lines[2], /^ {2}ok {2}static\/syntax {2}parses$/);
  assert.match(lines[3], /^a\.ts: invalid \(1 passed, 1 error\(s\), 1 warning/);
  assert.ok(!lines.join('\n').includes('\x1b'), 'no ANSI escapes');
});

void test('paint(true) colours, paint(false) does not', () => {
  assert.equal(paint(true).red('x'), '\x1b[31mx\x1b[39m');
  assert.equal(paint(false).red('x'), 'x');
});
