// Malformed block text never makes the verifier throw: binary garbage, an empty file, a BOM alone
// or a huge file each give a failed static check (and nothing runs); CRLF line endings and a
// leading BOM are just text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths';
import { MAX_SOURCE_CHARS, verifySource } from '../../src/verify';

const control = readFileSync(
  join(packageRoot(), 'test', 'fixtures', 'adversarial', 'control.ts'),
  'utf8',
);

/** Deterministic bytes 0..255 as text, as a binary file read as latin1 would look. */
const garbage = Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join(
  '',
);

const BAD: Readonly<Record<string, string>> = {
  empty: '',
  'a BOM alone': '\uFEFF',
  'NUL bytes': '\u0000\u0000\u0000',
  'binary garbage': garbage,
  'a 10 MB file': `${control}${'// padding padding padding padding padding padding padding\n'.repeat(180_000)}`,
};

for (const [name, source] of Object.entries(BAD)) {
  void test(`malformed text (${name}): a failed static check, no exception, nothing runs`, async () => {
    const progress: string[] = [];
    const report = await verifySource(`${name}.ts`, source, {
      onProgress: (m) => progress.push(m),
    });
    assert.equal(report.ok, false);
    const failed = report.checks.filter((c) => !c.ok);
    assert.ok(failed.length > 0 && failed.every((c) => c.id.startsWith('static/')));
    assert.ok(
      failed.every((c) => c.message.length > 20),
      'each failure says what to do',
    );
    assert.ok(report.checks.length <= 200, `${report.checks.length} results: findings are capped`);
    assert.deepEqual(progress, []);
  });
}

void test('a file over the size limit is refused before parsing', async () => {
  const report = await verifySource('big.ts', 'x'.repeat(MAX_SOURCE_CHARS + 1));
  assert.equal(report.checks.length, 1);
  assert.equal(report.checks[0]?.id, 'static/syntax');
  assert.match(report.checks[0]?.message ?? '', /Mi characters/);
});

void test('CRLF line endings and a leading BOM pass the static checks', async () => {
  for (const source of [control.replace(/\n/g, '\r\n'), `\uFEFF${control}`]) {
    const report = await verifySource('control.ts', source, { staticOnly: true });
    assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
  }
});
