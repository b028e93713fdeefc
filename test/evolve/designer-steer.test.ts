// The offline designer steered from the palette: the unit picked is the unit mutated; an
// instruction's words prefer the variants that match them; a unit no variant fits is refused
// with the units that can be mutated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { offlineDesigner, unitRoles } from '../../src/evolve/offline';
import { instructionWords, preferMatching } from '../../src/evolve/offline/steer';
import { mulberry32 } from '../../src/gab/rng';
import { seedsDir } from '../../src/paths';

const gpt2 = { id: 'gpt2', source: readFileSync(join(seedsDir(), 'gpt2', 'block.ts'), 'utf8') };

function propose(seed: number, unit: string, instruction?: string) {
  const steer = instruction === undefined ? { unit } : { unit, instruction };
  return offlineDesigner({
    rng: mulberry32(seed),
    scratchRate: 0,
    crossoverRate: 0,
    steer,
  }).propose([gpt2], []);
}

void test('a mutation edits the unit that was picked', () => {
  for (const r of unitRoles(gpt2.source)) {
    for (const seed of [1, 2, 3]) {
      const p = propose(seed, r.name);
      assert.equal(p.operator, 'mutate');
      assert.equal(p.unit, r.name, `${p.variant ?? ''}: ${p.summary}`);
    }
  }
});

void test('an instruction prefers the variants whose words match it', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const p = propose(seed, 'MHA', 'try sliding window attention');
    assert.match(p.variant ?? '', /^swa-/, p.summary);
  }
  for (const seed of [1, 2, 3]) {
    const p = propose(seed, 'RMSNorm', 'a layernorm please');
    assert.match(p.summary.toLowerCase(), /layer ?norm/, p.summary);
  }
});

void test('an instruction that matches nothing leaves every variant eligible', () => {
  const seen = new Set<string>();
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    seen.add(propose(seed, 'MHA', 'zzzz qqqq').variant ?? '');
  }
  assert.ok(seen.size > 1, [...seen].join(', '));
});

void test('a unit no variant fits is refused, naming the units that can be mutated', () => {
  assert.throws(
    () => propose(1, 'NoSuchUnit'),
    /cannot mutate unit 'NoSuchUnit' of gpt2.*MHA \(mixer\)/,
  );
});

void test('instruction words skip filler; preferMatching falls back to all', () => {
  assert.deepEqual(instructionWords('Use the GQA, with 2 KV heads!'), ['gqa', 'heads']);
  assert.deepEqual(
    preferMatching(['a', 'b'], (x) => x, ['zz']),
    ['a', 'b'],
  );
  assert.deepEqual(
    preferMatching(['ab', 'b'], (x) => x, ['a']),
    ['ab'],
  );
  assert.deepEqual(
    preferMatching(['ab', 'a', 'b'], (x) => x, ['a', 'b']),
    ['ab'],
  );
});
