// Dynamic-check failures placed at the unit they concern, and the fingerprint that tells whether
// an edit invalidated them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedsDir } from '../../src/paths';
import type { CheckResult } from '../../src/verify/types';
import { fingerprint, placeDynamic, unitsNamed } from '../../src/extension/lib/diag-units';

const FILE = '/ws/designs/gpt2/block.ts';
const SEED = readFileSync(join(seedsDir(), 'gpt2', 'block.ts'), 'utf8');

const fail = (id: string, message: string, extra: Partial<CheckResult> = {}): CheckResult => ({
  id,
  ok: false,
  severity: 'error',
  message,
  ...extra,
});

/** The 1-based line of `const <name> =` in the seed. */
function lineOf(source: string, name: string): number {
  return source.split('\n').findIndex((l) => l.startsWith(`const ${name} =`)) + 1;
}

void test('diag-units: a failure naming no unit goes on the root unit', () => {
  const [p] = placeDynamic(FILE, SEED, [fail('dynamic/causality', 'Y[:, 3] changed ...')]);
  assert.equal(p.unit, 'GPT2Block');
  assert.deepEqual(p.span, {
    line: lineOf(SEED, 'GPT2Block'),
    column: 7,
    endLine: lineOf(SEED, 'GPT2Block'),
    endColumn: 16,
  });
});

void test('diag-units: a GabError naming a unit goes on that unit', () => {
  const placed = placeDynamic(FILE, SEED, [
    fail('dynamic/forward-shape', 'the forward pass threw: unit MHA: forward must return [Y, Z]'),
  ]);
  assert.deepEqual(
    placed.map((p) => [p.unit, p.span.line]),
    [['MHA', lineOf(SEED, 'MHA')]],
  );
});

void test('diag-units: parameter paths name units through c.call labels', () => {
  const msg =
    'no gradient reaches blocks.0/GPT2Block/attnNorm/weight, blocks.1/GPT2Block/GatedMLP/wDown and blocks.0/GPT2Block/MHA#1/wo';
  const placed = placeDynamic(FILE, SEED, [fail('dynamic/gradients', msg)]);
  assert.deepEqual(
    placed.map((p) => p.unit),
    ['RMSNorm', 'GatedMLP', 'MHA'],
  );
  // A parameter of the root unit itself.
  assert.deepEqual(
    placeDynamic(FILE, SEED, [
      fail('dynamic/gradients', 'no gradient reaches blocks.0/GPT2Block/scale'),
    ]).map((p) => p.unit),
    ['GPT2Block'],
  );
});

void test("diag-units: a result's own unit wins; passes and static results are not placed", () => {
  const placed = placeDynamic(FILE, SEED, [
    fail('dynamic/speed', 'slow', { unit: 'GatedMLP' }),
    { id: 'dynamic/finite', ok: true, severity: 'error', message: 'fine' },
    fail('static/compile', 'bad', { line: 3, column: 1 }),
  ]);
  assert.deepEqual(
    placed.map((p) => [p.check.id, p.unit]),
    [['dynamic/speed', 'GatedMLP']],
  );
});

void test('diag-units: a file without units puts it on line 1', () => {
  const [p] = placeDynamic('/x.ts', "import { ops } from 'blocksmith/gab';\n", [
    fail('dynamic/load', 'no'),
  ]);
  assert.equal(p.unit, undefined);
  assert.equal(p.span.line, 1);
});

void test('diag-units: placement follows the unit when lines are added above it', () => {
  const moved = SEED.replace('type H = typeof hparams;', 'type H = typeof hparams;\n\n// note\n');
  const [p] = placeDynamic(FILE, moved, [fail('dynamic/causality', 'leak')]);
  assert.equal(p.span.line, lineOf(SEED, 'GPT2Block') + 3);
});

void test('diag-units: unitsNamed ignores words that are not units', () => {
  const aliases = new Map([['MHA', 'MHA']]);
  assert.deepEqual(
    unitsNamed("Fix the unit named in the message; every unit's forward", aliases),
    [],
  );
  assert.deepEqual(unitsNamed("unit 'MHA' calls X", aliases), ['MHA']);
});

void test('diag-units: fingerprints ignore comments and layout, and see edits in the subtree only', () => {
  const same = SEED.replace(
    'const GatedMLP = unit({',
    '// a comment\nconst GatedMLP = unit({',
  ).replace('headDim: 16,', 'headDim:   16, // spaced');
  for (const unit of ['MHA', 'GPT2Block', undefined]) {
    assert.equal(fingerprint(FILE, same, unit), fingerprint(FILE, SEED, unit), String(unit));
  }
  // An edit inside GatedMLP: stale for GatedMLP, for the root that calls it, and for the file;
  // not for MHA, which does not reach GatedMLP.
  const edited = SEED.replace('ops.silu(gate)', 'ops.gelu(gate)');
  assert.notEqual(fingerprint(FILE, edited, 'GatedMLP'), fingerprint(FILE, SEED, 'GatedMLP'));
  assert.notEqual(fingerprint(FILE, edited, 'GPT2Block'), fingerprint(FILE, SEED, 'GPT2Block'));
  assert.notEqual(fingerprint(FILE, edited, undefined), fingerprint(FILE, SEED, undefined));
  assert.equal(fingerprint(FILE, edited, 'MHA'), fingerprint(FILE, SEED, 'MHA'));
  // hparams are read by every unit.
  const hp = SEED.replace('headDim: 16,', 'headDim: 32,');
  assert.notEqual(fingerprint(FILE, hp, 'MHA'), fingerprint(FILE, SEED, 'MHA'));
});
