// static/syntax and static/compile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStatic } from '../../../src/verify/static/index';
import { assertInvalid, assertOnlyFails, assertValid, inForward } from './helpers';

void test('static/syntax: a well-formed block parses', () => {
  assertValid('static/syntax', inForward());
});

void test('static/syntax: a parse error is reported and the other checks are skipped', () => {
  const source = inForward('const y = ;');
  assertInvalid('static/syntax', source, [{ line: 8, column: 15, message: 'Expression expected' }]);
  assert.deepEqual(
    checkStatic('t.ts', source).map((r) => r.id),
    ['static/syntax'],
  );
});

void test('static/compile: a block that type-checks against the contract passes', () => {
  assertValid(
    'static/compile',
    inForward('const h = ops.rmsNorm(x, c.param("w", [c.d], "ones"));', 'void h;'),
  );
});

void test('static/compile: type errors carry their position', () => {
  assertInvalid('static/compile', inForward('const n: number = x;', 'ops.fooBar(x);'), [
    { line: 8, column: 11, message: "'Tensor' is not assignable to type 'number'" },
    { line: 9, column: 9, message: "Property 'fooBar' does not exist" },
  ]);
});

void test('static/compile: no DOM or Node typings exist in the program', () => {
  // Unknown names are compile errors; host names are left to static/forbidden-global.
  assertInvalid('static/compile', inForward('const el = document2;'), [
    { line: 8, column: 16, message: 'document2' },
  ]);
  const host = inForward('process.exit(1);', 'setTimeout(() => 0, 1);');
  assertValid('static/compile', host);
  assertOnlyFails(host, ['static/forbidden-global']);
});

void test('static/compile: the contract is the module blocksmith/gab and nothing else resolves', () => {
  const source = inForward().replace("from 'blocksmith/gab'", "from 'blocksmith/gab2'");
  // The import fails (forbidden-import); the names it would bring are then unknown (compile).
  assert.ok(checkStatic('t.ts', source).some((r) => r.id === 'static/compile' && !r.ok));
});

void test('static results carry the unit they concern and an end position', () => {
  const r = checkStatic('t.ts', inForward('const v = x.dataSync();')).find(
    (c) => c.id === 'static/host-read',
  );
  assert.deepEqual(
    [r?.ok, r?.unit, r?.line, r?.column, r?.endLine, r?.endColumn],
    [false, 'Root', 8, 17, 8, 25],
  );
  const passing = checkStatic('t.ts', inForward()).filter((c) => c.ok);
  assert.equal(passing.length, 9, 'one passing result per check');
});
