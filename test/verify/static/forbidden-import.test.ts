// static/forbidden-import: every import form other than 'blocksmith/gab'.
import { test } from 'node:test';
import { assertInvalid, assertValid, atTop, inForward } from './helpers';

const ID = 'static/forbidden-import';

void test('forbidden-import: valid', () => {
  assertValid(ID, inForward());
  assertValid(ID, atTop("export { ops as gabOps } from 'blocksmith/gab';"));
  assertValid(
    ID,
    atTop("import type { Tensor } from 'blocksmith/gab';", 'export type T = Tensor;'),
  );
});

const invalid: [string, string, number, number][] = [
  ['import default', atTop("import fs from 'fs';"), 4, 16],
  ['import namespace', atTop("import * as fs from 'node:fs';"), 4, 21],
  ['import type', atTop("import type { Stats } from 'fs';"), 4, 28],
  ['side-effect import', atTop("import 'fs';"), 4, 8],
  ['export star from', atTop("export * from 'fs';"), 4, 15],
  ['export names from', atTop("export { readFileSync } from 'fs';"), 4, 30],
  ['import = require', atTop("import fs = require('fs');"), 4, 21],
  ['dynamic import()', inForward("const m = import('fs');"), 8, 15],
  ['require()', inForward("const m = require('fs');"), 8, 15],
  ['import type expression', atTop("type T = import('fs').Stats;"), 4, 10],
  ['import.meta', inForward('const u = import.meta;'), 8, 15],
];

for (const [name, source, line, column] of invalid) {
  void test(`forbidden-import: ${name}`, () => {
    assertInvalid(ID, source, [{ line, column, message: 'blocksmith/gab' }]);
    if (name !== 'import = require') {
      // The missing module is this check's finding, not also a compile error (TS1202 stays).
      assertValid('static/compile', source);
    }
  });
}

void test('forbidden-import: triple-slash references', () => {
  const source = `/// <reference types="node" />\n/// <reference lib="dom" />\n${inForward()}`;
  assertInvalid(ID, source, [
    { line: 1, column: 23, message: "'node'" },
    { line: 2, column: 21, message: "'dom'" },
  ]);
});
