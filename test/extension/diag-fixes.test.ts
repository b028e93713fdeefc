// Quick fixes: each fix, applied to a seed with one injected fault, makes the check it fixes pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedsDir } from '../../src/paths';
import { checkStatic } from '../../src/verify/static/index';
import type { CheckResult } from '../../src/verify/types';
import { applyEdits, fixesFor, type Fix } from '../../src/extension/lib/diag-fixes';

const FILE = '/ws/designs/gpt2/block.ts';
const SEED = readFileSync(join(seedsDir(), 'gpt2', 'block.ts'), 'utf8');

function failures(source: string, id: string): CheckResult[] {
  return checkStatic(FILE, source).filter((r) => !r.ok && r.id === id);
}

/** 1-based line/column -> offset. */
function offset(source: string, line: number, column: number): number {
  const lines = source.split('\n');
  return lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
}

/** The fixes offered for the first failure of `id` (whose message matches `like`) in `source`. */
function fixes(source: string, id: string, like: RegExp): Fix[] {
  const r = failures(source, id).find((c) => like.test(c.message));
  assert.ok(r, `expected a failure of ${id} like ${String(like)}`);
  const start = offset(source, r.line ?? 1, r.column ?? 1);
  const end = offset(source, r.endLine ?? r.line ?? 1, r.endColumn ?? r.column ?? 1);
  return fixesFor(FILE, source, { id, message: r.message, start, end });
}

function inject(from: string, to: string): string {
  assert.ok(SEED.includes(from), `the seed holds ${from}`);
  return SEED.replace(from, to);
}

function applyTitled(source: string, all: Fix[], title: RegExp): string {
  const fix = all.find((f) => title.test(f.title));
  assert.ok(fix, `a fix titled ${String(title)} among ${all.map((f) => f.title).join(' | ')}`);
  return applyEdits(source, fix.edits);
}

void test('diag-fixes: the gpt2 seed passes every static check to start with', () => {
  assert.deepEqual(
    checkStatic(FILE, SEED).filter((r) => !r.ok),
    [],
  );
});

void test('diag-fixes: a near-miss op name -> "Change to ops.rmsNorm" and static/compile passes', () => {
  const bad = inject('ops.rmsNorm(', 'ops.rmsNorn(');
  const all = fixes(bad, 'static/compile', /Did you mean 'rmsNorm'/);
  assert.equal(all[0]?.title, 'Change to ops.rmsNorm');
  assert.equal(all[0].preferred, true);
  const fixed = applyTitled(bad, all, /^Change to ops\.rmsNorm$/);
  assert.equal(fixed, SEED);
  assert.deepEqual(failures(fixed, 'static/compile'), []);
});

void test('diag-fixes: a forbidden module with contract names -> "Import from blocksmith/gab"', () => {
  const bad = inject("from 'blocksmith/gab'", "from '@tensorflow/tfjs-core'");
  const all = fixes(bad, 'static/forbidden-import', /tfjs-core/);
  const fixed = applyTitled(bad, all, /^Import from 'blocksmith\/gab'$/);
  assert.equal(fixed, SEED);
  assert.deepEqual(failures(fixed, 'static/forbidden-import'), []);
  assert.deepEqual(failures(fixed, 'static/compile'), []);
});

void test('diag-fixes: a second import of contract names is merged into the gab import', () => {
  const bad = inject(
    "import { unit, block, ops, type Ctx } from 'blocksmith/gab';",
    "import { unit, ops, type Ctx } from 'blocksmith/gab';\nimport { block, ops } from './gab';",
  );
  const fixed = applyTitled(
    bad,
    fixes(bad, 'static/forbidden-import', /'\.\/gab'/),
    /^Import from/,
  );
  assert.match(fixed, /import \{ unit, ops, type Ctx, block \} from 'blocksmith\/gab';\n/);
  assert.doesNotMatch(fixed, /\.\/gab/);
  assert.deepEqual(failures(fixed, 'static/forbidden-import'), []);
  assert.deepEqual(failures(fixed, 'static/compile'), []);
});

void test('diag-fixes: any other forbidden import -> "Remove the import" (only that)', () => {
  const bad = inject('import { unit,', "import fs from 'node:fs';\nimport { unit,");
  const all = fixes(bad, 'static/forbidden-import', /node:fs/);
  assert.deepEqual(
    all.map((f) => f.title),
    ['Remove the import'],
  );
  const fixed = applyTitled(bad, all, /^Remove the import$/);
  assert.equal(fixed, SEED);
});

void test('diag-fixes: a require() statement -> "Remove the statement"', () => {
  const bad = inject(
    'type H = typeof hparams;',
    "type H = typeof hparams;\nconst fs = require('fs');",
  );
  const fixed = applyTitled(
    bad,
    fixes(bad, 'static/forbidden-import', /require/),
    /Remove the statement/,
  );
  assert.equal(fixed, SEED);
});

void test('diag-fixes: a missing default export -> export default block({...}) with the root', () => {
  const bad = inject("export default block({ name: 'gpt2', hparams, root: GPT2Block });\n", '');
  const all = fixes(bad, 'static/unit-structure', /no default export/);
  assert.equal(all[0]?.title, 'Add export default block({ root: GPT2Block })');
  const fixed = applyTitled(bad, all, /^Add export default/);
  assert.match(fixed, /export default block\(\{ name: 'gpt2', hparams, root: GPT2Block \}\);\n$/);
  assert.deepEqual(failures(fixed, 'static/unit-structure'), []);
  assert.deepEqual(failures(fixed, 'static/hparams'), []);
});

void test('diag-fixes: a missing default export and no block import -> both added', () => {
  const bad = inject(
    "export default block({ name: 'gpt2', hparams, root: GPT2Block });\n",
    '',
  ).replace('import { unit, block,', 'import { unit,');
  const fixed = applyTitled(bad, fixes(bad, 'static/unit-structure', /no default export/), /^Add/);
  assert.match(fixed, /import \{ unit, ops, type Ctx, block \} from 'blocksmith\/gab';/);
  assert.deepEqual(failures(fixed, 'static/unit-structure'), []);
  assert.deepEqual(failures(fixed, 'static/compile'), []);
});

void test("diag-fixes: a unit name that differs from its const -> the const's name", () => {
  const bad = inject("name: 'MHA',", "name: 'Attention',");
  const fixed = applyTitled(bad, fixes(bad, 'static/unit-structure', /must equal/), /'MHA'/);
  assert.equal(fixed, SEED);
});

void test('diag-fixes: a unit without a name -> name added', () => {
  const bad = inject("  name: 'MHA',\n", '');
  const fixed = applyTitled(
    bad,
    fixes(bad, 'static/unit-structure', /needs a literal/),
    /name: 'MHA'/,
  );
  assert.deepEqual(failures(fixed, 'static/unit-structure'), []);
  assert.deepEqual(failures(fixed, 'static/compile'), []);
});

void test("diag-fixes: a call of a unit missing from children -> added to the parent's children", () => {
  const bad = inject('children: [RMSNorm, MHA, GatedMLP],', 'children: [RMSNorm, MHA],');
  const all = fixes(bad, 'static/unit-structure', /calls 'GatedMLP', which is not in its children/);
  const fixed = applyTitled(bad, all, /Add GatedMLP to GPT2Block's children/);
  assert.equal(fixed, SEED);
});

void test('diag-fixes: a child listed twice or never called -> removed from children', () => {
  const twice = inject(
    'children: [RMSNorm, MHA, GatedMLP],',
    'children: [RMSNorm, MHA, GatedMLP, MHA],',
  );
  const fixedTwice = applyTitled(
    twice,
    fixes(twice, 'static/unit-structure', /twice/),
    /Remove MHA/,
  );
  assert.equal(fixedTwice, SEED);
  const unused = inject(
    'const [m, z4] = c.call(GatedMLP, n2, z3);\n    return [ops.add(h, m), z4];',
    'return [h, z3];',
  );
  const fixedUnused = applyTitled(
    unused,
    fixes(unused, 'static/unit-structure', /never runs it/),
    /Remove GatedMLP/,
  );
  assert.match(fixedUnused, /children: \[RMSNorm, MHA\],/);
  assert.deepEqual(
    failures(fixedUnused, 'static/unit-structure').filter((r) => r.severity === 'error'),
    [],
  );
});

void test('diag-fixes: a top-level let -> const, and static/module-state passes', () => {
  const bad = inject('type H = typeof hparams;', 'type H = typeof hparams;\nlet eps = 1e-5;');
  const fixed = applyTitled(bad, fixes(bad, 'static/module-state', /top-level/), /let to const/);
  assert.match(fixed, /\nconst eps = 1e-5;/);
  assert.deepEqual(failures(fixed, 'static/module-state'), []);
});

void test('diag-fixes: hparams not exported, missing, or not passed to block()', () => {
  const notExported = inject('export const hparams = {', 'let hparams = {');
  const fixed1 = applyTitled(
    notExported,
    fixes(notExported, 'static/hparams', /exported const/),
    /exported const/,
  );
  assert.equal(fixed1, SEED);
  const notPassed = inject("block({ name: 'gpt2', hparams, root", "block({ name: 'gpt2', root");
  const fixed2 = applyTitled(notPassed, fixes(notPassed, 'static/hparams', /must pass/), /Pass/);
  assert.deepEqual(failures(fixed2, 'static/hparams'), []);
  assert.deepEqual(failures(fixed2, 'static/compile'), []);
  const bare = [
    "import { unit, block, type Ctx } from 'blocksmith/gab';",
    "const Id = unit({ name: 'Id', children: [], forward(_c: Ctx, x, z) { return [x, z]; } });",
    "export default block({ name: 'id', hparams: {}, root: Id });",
    '',
  ].join('\n');
  const fixed3 = applyTitled(bare, fixes(bare, 'static/hparams', /no hparams/), /Add export const/);
  const fixed4 = applyTitled(fixed3, fixes(fixed3, 'static/hparams', /must pass/), /Pass/);
  assert.deepEqual(failures(fixed4, 'static/hparams'), []);
  assert.deepEqual(failures(fixed4, 'static/compile'), []);
});

void test('diag-fixes: no fix for a check or message that has no mechanical repair', () => {
  assert.deepEqual(
    fixesFor(FILE, SEED, { id: 'static/host-read', message: 'x', start: 0, end: 1 }),
    [],
  );
  assert.deepEqual(
    fixesFor(FILE, SEED, {
      id: 'static/compile',
      message: 'Type error (TS2322).',
      start: 0,
      end: 1,
    }),
    [],
  );
});
