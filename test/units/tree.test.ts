// The unit tree reader and the unit text operations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedsDir } from '../../src/paths';
import { reachableUnits, readUnitTree, replaceUnit, unitTexts } from '../../src/units/tree';

const SMALL = [
  "import { unit, block, ops, type Ctx } from 'blocksmith/gab';",
  'export const hparams = {};',
  'type H = typeof hparams;',
  '/** A leaf. */',
  "const Leaf = unit({ name: 'Leaf', children: [], forward(c: Ctx<H>, x, z) { return [ops.neg(x), z]; } });",
  'const Root = unit({',
  "  name: 'Root',",
  '  children: [Leaf],',
  '  forward(c: Ctx<H>, x, z) {',
  '    return c.call(Leaf, x, z);',
  '  },',
  '});',
  "export default block({ name: 'small', hparams, root: Root });",
  '',
].join('\n');

void test('readUnitTree: units, children, ranges, design and root', () => {
  const tree = readUnitTree('small.ts', SMALL);
  assert.equal(tree.design, 'small');
  assert.equal(tree.root, 'Root');
  assert.deepEqual(
    tree.units.map((u) => [u.name, u.children]),
    [
      ['Leaf', []],
      ['Root', ['Leaf']],
    ],
  );
  // The range starts at `const` (the doc comment is not part of it) and ends after `;`.
  assert.deepEqual(tree.units[0]?.range, {
    start: { line: 5, column: 1 },
    end: { line: 5, column: 105 },
  });
  assert.deepEqual(tree.units[1]?.range, {
    start: { line: 6, column: 1 },
    end: { line: 12, column: 4 },
  });
  assert.deepEqual([...reachableUnits(tree)].sort(), ['Leaf', 'Root']);
});

void test('readUnitTree: a file that is not a block gives an empty tree', () => {
  assert.deepEqual(readUnitTree('x.ts', 'const a = 1;'), {
    design: undefined,
    root: undefined,
    units: [],
  });
});

void test('unitTexts: equal modulo comments and whitespace, different otherwise', () => {
  const relaid = SMALL.replace(
    'return c.call(Leaf, x, z);',
    '// note\n    return c.call(Leaf,   x, z);',
  );
  assert.equal(unitTexts('a.ts', SMALL).get('Root'), unitTexts('b.ts', relaid).get('Root'));
  const reformatted = SMALL.replace('children: [Leaf],', 'children: [\n    Leaf,\n  ],').replace(
    "name: 'Root'",
    'name: "Root"',
  );
  assert.equal(unitTexts('a.ts', SMALL).get('Root'), unitTexts('b.ts', reformatted).get('Root'));
  const changed = SMALL.replace('ops.neg(x)', 'ops.abs(x)');
  assert.notEqual(unitTexts('a.ts', SMALL).get('Leaf'), unitTexts('b.ts', changed).get('Leaf'));
});

void test('replaceUnit: swaps one statement and keeps the rest', () => {
  const next =
    "const Leaf = unit({ name: 'Leaf', children: [], forward(c: Ctx<H>, x, z) { return [ops.abs(x), z]; } });";
  const out = replaceUnit('small.ts', SMALL, 'Leaf', next);
  assert.equal(out, SMALL.replace('ops.neg(x)', 'ops.abs(x)'));
  assert.throws(
    () => replaceUnit('small.ts', SMALL, 'Nope', next),
    /no unit 'Nope' \(units: Leaf, Root\)/,
  );
});

const gpt2 = join(seedsDir(), 'gpt2', 'block.ts');

void test(
  'readUnitTree: the gpt2 seed',
  { skip: !existsSync(gpt2) && 'the gpt2 seed is not written yet' },
  () => {
    const tree = readUnitTree(gpt2, readFileSync(gpt2, 'utf8'));
    assert.equal(tree.design, 'gpt2');
    assert.equal(tree.root, 'GPT2Block');
    assert.deepEqual(
      tree.units.map((u) => [u.name, u.children.join(',')]),
      [
        ['RMSNorm', ''],
        ['MHA', ''],
        ['GatedMLP', ''],
        ['GPT2Block', 'RMSNorm,MHA,GatedMLP'],
      ],
    );
  },
);
