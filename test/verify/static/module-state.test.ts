// static/module-state: no state kept between calls.
import { test } from 'node:test';
import { assertInvalid, assertValid, atTop, blockFile } from './helpers';

const ID = 'static/module-state';

void test('module-state: local state inside forward and calls to ops are fine', () => {
  assertValid(
    ID,
    blockFile(
      [
        'const SIZES = [1, 2] as const;',
        'function twice(n: number): number {',
        '  return 2 * n;',
        '}',
      ],
      [
        'const xs: number[] = [...SIZES];',
        'xs.push(twice(1));',
        'let n = 0;',
        'n += xs.length;',
        'const m = new Map<string, number>();',
        "m.set('a', n);",
        'const y = ops.add(x, n);',
        'void y;',
      ],
    ),
  );
});

void test('module-state: top-level let and var', () => {
  assertInvalid(ID, atTop('let count = 0;', 'var total = 0;', 'export const k = count + total;'), [
    { line: 4, column: 1, message: '`let`/`var`' },
    { line: 5, column: 1, message: '`let`/`var`' },
  ]);
});

void test('module-state: mutation of module-level objects, hparams and `this`', () => {
  const source = blockFile(
    ['const cache: number[] = [];', 'const cfg = { a: 1 };', 'const seen = new Set<number>();'],
    [
      'cache.push(1);',
      'cfg.a = 2;',
      'cfg.a++;',
      'seen.add(3);',
      'hparams.k = 3;',
      '(this as { n?: number }).n = 1;',
      '(Math as { PI: number }).PI = 3;',
    ],
  );
  // The body starts on line 8 + 3 top lines = 11.
  assertInvalid(ID, source, [
    { line: 11, column: 5, message: '`cache`' },
    { line: 12, column: 5, message: '`cfg`' },
    { line: 13, column: 5, message: '`cfg`' },
    { line: 14, column: 5, message: '`seen`' },
    { line: 15, column: 5, message: '`hparams`' },
    { line: 16, column: 5, message: '`this`' },
    { line: 17, column: 5, message: '`Math`' },
  ]);
});

void test('module-state: classes and async code', () => {
  assertInvalid(
    ID,
    atTop(
      'class Foo {}',
      'export const make = () => new Foo();',
      'async function f() {',
      '  await 1;',
      '}',
      'void f;',
    ),
    [
      { line: 4, column: 1, message: 'classes' },
      { line: 6, column: 1, message: 'async' },
      { line: 7, column: 3, message: 'async' },
    ],
  );
});
