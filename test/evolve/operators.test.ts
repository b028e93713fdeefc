// The evolution operators: mutate, crossover and scratch keep the unit structure, pass the
// static checks (mutate: the protection check too) and rename clashing names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossover, mutate, scratch } from '../../src/evolve/operators';
import { mulberry32 } from '../../src/gab/rng';
import { seedsDir } from '../../src/paths';
import { readUnitTree, unitTexts } from '../../src/units/tree';
import { checkStatic } from '../../src/verify/static';
import { isOk } from '../../src/verify/types';

const seed = (name: string): string => readFileSync(join(seedsDir(), name, 'block.ts'), 'utf8');
const errors = (src: string, opts = {}): string[] =>
  checkStatic('child.ts', src, opts)
    .filter((c) => !c.ok && c.severity === 'error')
    .map((c) => `${c.id}: ${c.message}`);

const NEW_MLP = `const GatedMLP = unit({
  name: 'GatedMLP',
  children: [Helper],
  forward(c: Ctx<H>, x, z) {
    const [h, z1] = c.call(Helper, x, z);
    return [ops.linear(ops.gelu(h), c.param('w', [c.d, c.d])), z1];
  },
});`;
const HELPER = `const Helper = unit({
  name: 'Helper',
  children: [],
  forward(c: Ctx<H>, x, z) {
    return [ops.linear(x, c.param('w', [c.d, c.d])), z];
  },
});`;

void test('mutate replaces one unit, adds its helper before it, passes the protection check', () => {
  const parent = seed('gpt2');
  const child = mutate(parent, 'GatedMLP', NEW_MLP, [HELPER]);
  assert.deepEqual(errors(child, { parentSource: parent, editedUnit: 'GatedMLP' }), []);
  const names = readUnitTree('c.ts', child).units.map((u) => u.name);
  assert.deepEqual(names, ['RMSNorm', 'MHA', 'Helper', 'GatedMLP', 'GPT2Block']);
  const [before, after] = [unitTexts('p.ts', parent), unitTexts('c.ts', child)];
  for (const n of ['RMSNorm', 'MHA', 'GPT2Block']) {
    assert.equal(after.get(n), before.get(n), `${n} unchanged`);
  }
});

void test('mutate renames a helper whose name clashes with a unit of the parent', () => {
  const parent = seed('gpt2');
  const clash = (t: string): string => t.replaceAll('Helper', 'MHA');
  const child = mutate(parent, 'GatedMLP', clash(NEW_MLP), [clash(HELPER)]);
  assert.deepEqual(errors(child, { parentSource: parent, editedUnit: 'GatedMLP' }), []);
  const tree = readUnitTree('c.ts', child);
  assert.deepEqual(tree.units.find((u) => u.name === 'GatedMLP')?.children, ['MHA2']);
  assert.equal(unitTexts('c.ts', child).get('MHA'), unitTexts('p.ts', parent).get('MHA'));
});

void test('mutate refuses a new text that names another unit', () => {
  assert.throws(() => mutate(seed('gpt2'), 'MHA', NEW_MLP), /keep its name/);
  assert.throws(() => mutate(seed('gpt2'), 'Nope', NEW_MLP), /no unit 'Nope'|declares unit/);
});

void test('crossover takes a unit with its children and hparams into a slot, fixing children', () => {
  const a = seed('gpt2');
  const b = seed('mamba2');
  const child = crossover(a, b, ['Mamba2Layer'], { Mamba2Layer: 'MHA' });
  assert.deepEqual(errors(child), []);
  const tree = readUnitTree('c.ts', child);
  const names = tree.units.map((u) => u.name);
  assert.ok(!names.includes('MHA'), 'the replaced unit is gone');
  // mamba2's RMSNorm differs from gpt2's: it comes in renamed; SSD comes as is.
  assert.ok(names.includes('SSD') && names.includes('RMSNorm2'), names.join(', '));
  assert.deepEqual(tree.units.find((u) => u.name === 'GPT2Block')?.children, [
    'RMSNorm',
    'Mamba2Layer',
    'GatedMLP',
  ]);
  // headDim clashes (gpt2 16, mamba2 32): mamba2's units read a renamed key.
  assert.match(child, /headDim2: 32/);
  assert.match(child, /expand: 2/);
});

void test('crossover of a same-named unit replaces it in place', () => {
  const child = crossover(seed('gpt2'), seed('mamba2'), ['GatedMLP']);
  assert.deepEqual(errors(child), []);
  // mamba2's mlpRatio (2) differs from gpt2's (2.6667): the taken unit reads a renamed key.
  assert.equal(
    unitTexts('c.ts', child).get('GatedMLP'),
    unitTexts('b.ts', seed('mamba2')).get('GatedMLP')?.replace('mlpRatio', 'mlpRatio2'),
  );
  assert.match(child, /mlpRatio: 2.6667,/);
  assert.match(child, /mlpRatio2: 2,/);
});

void test('scratch builds a complete block that passes the static checks, deterministically', () => {
  const sources = ['gpt2', 'retnet', 'rwkv6'].map(seed);
  const library = sources.flatMap((s) =>
    [...unitTexts('s.ts', s)].map(([name, text]) => ({ name, text })),
  );
  for (let i = 0; i < 4; i++) {
    const src = scratch(library, mulberry32(i), { sources });
    assert.deepEqual(errors(src), [], src);
    assert.equal(src, scratch(library, mulberry32(i), { sources }));
    assert.ok(isOk(checkStatic('s.ts', src)));
  }
});
