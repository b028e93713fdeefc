// static/hparams: the hyperparameter schema.
import { test } from 'node:test';
import { assertInvalid, assertValid, inForward } from './helpers';

const ID = 'static/hparams';
/** Replaces line 2 (the hparams declaration) of a test file. */
const withHParams = (line: string): string =>
  inForward().replace('export const hparams = { k: 2 };', line);

void test('hparams: literals, negatives, constant arithmetic, as const', () => {
  assertValid(
    ID,
    withHParams(
      "export const hparams = { k: 2, b: -1, r: 8 / 3, g: true, s: 'silu', e: 1e-5, 'q': 2 ** 3 };",
    ),
  );
  assertValid(ID, withHParams('export const hparams = { k: 2 } as const;'));
});

void test('hparams: must exist, be exported, const and an object literal', () => {
  const missing = withHParams('const hp = { k: 2 };')
    .replace(', hparams,', ', hparams: hp,')
    .replace('typeof hparams', 'typeof hp');
  assertInvalid(ID, missing, [{ line: 1, column: 1, message: 'no hparams' }]);
  assertInvalid(ID, withHParams('const hparams = { k: 2 };'), [
    { line: 2, column: 7, message: 'exported const' },
  ]);
  assertInvalid(ID, withHParams('export let hparams = { k: 2 };'), [
    { line: 2, column: 12, message: 'exported const' },
  ]);
  assertInvalid(ID, withHParams('export const hparams = Object.freeze({ k: 2 });'), [
    { line: 2, column: 24, message: 'object literal' },
  ]);
});

void test('hparams: values must be literals, keys plain and not reserved', () => {
  assertInvalid(ID, withHParams('export const hparams = { k: 2, w: Math.sqrt(2), v: [1, 2] };'), [
    { line: 2, column: 35, message: 'hparams.w' },
    { line: 2, column: 52, message: 'hparams.v' },
  ]);
  assertInvalid(ID, withHParams('export const hparams = { k: 2, d: 64, nBlocks: 2, layer: 0 };'), [
    { line: 2, column: 32, message: "'d'" },
    { line: 2, column: 39, message: "'nBlocks'" },
    { line: 2, column: 51, message: "'layer'" },
  ]);
  assertInvalid(
    ID,
    withHParams("const base = { k: 2 };\nexport const hparams = { ...base, ['x']: 1 };"),
    [
      { line: 3, column: 26, message: 'plain `key: literal`' },
      { line: 3, column: 35, message: 'plain `key: literal`' },
    ],
  );
});

void test('hparams: block() must pass the exported hparams', () => {
  const source = inForward().replace(
    "block({ name: 'test', hparams,",
    "block({ name: 'test', hparams: { k: 2 },",
  );
  assertInvalid(ID, source, [
    { line: 11, column: 47, message: 'block() must pass the exported hparams' },
  ]);
});
