// static/protected-units: a mutation changes only the unit it edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStatic } from '../../../src/verify/static/index';
import { assertInvalid, assertValid } from './helpers';

const ID = 'static/protected-units';
const PARENT = [
  "import { unit, block, ops, type Ctx } from 'blocksmith/gab';",
  'export const hparams = { k: 2 };',
  'type H = typeof hparams;',
  "const Norm = unit({ name: 'Norm', children: [], forward(c: Ctx<H>, x, z) { return [ops.rmsNorm(x, c.param('w', [c.d], 'ones')), z]; } });",
  "const Mix = unit({ name: 'Mix', children: [], forward(c: Ctx<H>, x, z) { return [ops.mul(x, c.hp.k), z]; } });",
  'const Root = unit({',
  "  name: 'Root',",
  '  children: [Norm, Mix],',
  '  forward(c: Ctx<H>, x, z) {',
  '    const [h, z1] = c.call(Norm, x, z);',
  '    return c.call(Mix, h, z1);',
  '  },',
  '});',
  "export default block({ name: 'test', hparams, root: Root });",
  '',
].join('\n');
const opts = { parentSource: PARENT, editedUnit: 'Mix' };

void test('protected-units: not applicable without a parent', () => {
  assertValid(ID, PARENT);
  const r = checkStatic('t.ts', PARENT).find((c) => c.id === ID);
  assert.match(r?.message ?? '', /not applicable/);
});

void test('protected-units: editing only the edited unit, and adding new units, is fine', () => {
  const edited = PARENT.replace('ops.mul(x, c.hp.k)', 'ops.silu(ops.mul(x, c.hp.k))');
  assertValid(ID, edited, opts);
  const withNew = PARENT.replace(
    "const Mix = unit({ name: 'Mix', children: [], forward(c: Ctx<H>, x, z) { return [ops.mul(x, c.hp.k), z]; } });",
    "const Gate = unit({ name: 'Gate', children: [], forward(c: Ctx<H>, x, z) { return [ops.sigmoid(x), z]; } });\n" +
      "const Mix = unit({ name: 'Mix', children: [Gate], forward(c: Ctx<H>, x, z) { return c.call(Gate, x, z); } });",
  );
  assertValid(ID, withNew, opts);
});

void test('protected-units: comments and layout do not count as changes', () => {
  const relaid = PARENT.replace(
    "forward(c: Ctx<H>, x, z) { return [ops.rmsNorm(x, c.param('w', [c.d], 'ones')), z]; }",
    "forward(c: Ctx<H>, x, z) {\n    // a note\n    return [ops.rmsNorm(x, c.param('w', [c.d], 'ones')), z];\n  }",
  );
  assertValid(ID, relaid, opts);
});

void test('protected-units: a changed protected unit is reported at its name', () => {
  const changed = PARENT.replace("'ones'", "'zeros'").replace('ops.mul(x, c.hp.k)', 'ops.neg(x)');
  const [r] = assertInvalid(
    ID,
    changed,
    [{ line: 4, column: 7, message: "unit 'Norm' differs from the parent" }],
    opts,
  );
  assert.equal(r.unit, 'Norm');
});

void test('protected-units: the edited unit must be a unit of the parent', () => {
  assertInvalid(
    ID,
    PARENT,
    [{ line: 1, column: 1, message: "'Nope' is not a unit of the parent" }],
    {
      parentSource: PARENT,
      editedUnit: 'Nope',
    },
  );
});
