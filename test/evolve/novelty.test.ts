// Novelty: a renamed, reformatted copy of a design is its near twin and is refused before it is
// verified, with the twin's id; a real edit (another op, another wiring) is not; a changed
// constant counts only under the nearDuplicateNumbers setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonical, findNearTwin } from '../../src/evolve/novelty';
import { designStep, type LoopDesigner } from '../../src/evolve/loop/design';
import { readState, StateBook } from '../../src/evolve/loop/state';
import { DesignStore } from '../../src/store';
import { seedSource, variant, workspace } from '../store/helpers';

/** The GPT seed with every unit, a local, an hparam key and the design renamed; no comments. */
function disguised(gpt2: string): string {
  const renames: [RegExp, string][] = [
    [/\bGatedMLP\b/g, 'Feed'],
    [/\bMHA\b/g, 'Attn'],
    [/\bRMSNorm\b/g, 'Norm'],
    [/\bGPT2Block\b/g, 'Layer'],
    [/\bmlpRatio\b/g, 'ffnMult'],
    [/\bhidden\b/g, 'width'],
    [/name: 'gpt2'/, "name: 'my-own'"],
  ];
  let s = gpt2
    .split('\n')
    .filter((l) => !/^\s*(\/\*\*|\*|\/\/)/.test(l))
    .join('\n');
  for (const [from, to] of renames) {
    s = s.replace(from, to);
  }
  // layout and quote style: a formatter's choices
  return s
    .replace(/'/g, '"')
    .replace(/\n {4}/g, '\n\t\t')
    .replace(/1e-5/g, '0.00001');
}

void test('canonical: renames, comments, layout, quotes and number format do not count', () => {
  const gpt2 = seedSource(workspace());
  const copy = disguised(gpt2);
  assert.notEqual(copy, gpt2);
  assert.ok(copy.includes('const Feed = unit({') && !copy.includes('GatedMLP'));
  assert.deepEqual(canonical(copy), canonical(gpt2));
});

void test('canonical: a real edit differs (another op, another wiring); a constant is a number', () => {
  const gpt2 = seedSource(workspace());
  const gelu = gpt2.replace('ops.silu(gate)', 'ops.gelu(gate)');
  assert.notEqual(canonical(gelu).masked, canonical(gpt2).masked);
  const rewired = gpt2.replace('return [ops.add(h, m), z4];', 'return [ops.add(x, m), z4];');
  assert.notEqual(rewired, gpt2);
  assert.notEqual(canonical(rewired).masked, canonical(gpt2).masked);
  const wider = canonical(variant(gpt2, 32));
  assert.equal(wider.masked, canonical(gpt2).masked);
  assert.notDeepEqual(wider.numbers, canonical(gpt2).numbers);
});

void test('findNearTwin: the disguised copy is a twin of gpt2; a changed constant only by setting', async () => {
  const ws = workspace();
  const store = await DesignStore.open(ws, { readOnly: true });
  const gpt2 = seedSource(ws);
  assert.deepEqual(findNearTwin(store, disguised(gpt2)), { id: 'gpt2', numbers: 0 });
  assert.equal(findNearTwin(store, variant(gpt2, 32)), undefined);
  assert.deepEqual(findNearTwin(store, variant(disguised(gpt2), 32), 1), {
    id: 'gpt2',
    numbers: 1,
  });
  assert.equal(findNearTwin(store, gpt2.replace('ops.silu(gate)', 'ops.gelu(gate)')), undefined);
  await store.close();
});

void test('designStep refuses a near twin before verification, recording its id and status', async () => {
  const ws = workspace();
  const store = await DesignStore.open(ws);
  try {
    const source = disguised(seedSource(ws));
    const designer: LoopDesigner = {
      name: 'copycat',
      propose: () =>
        Promise.resolve({
          kind: 'proposal',
          operator: 'mutate',
          parents: ['gpt2'],
          unit: 'Feed',
          source,
          summary: 'a copy',
        }),
    };
    const book = new StateBook(store);
    const action = { operator: 'mutate' as const, parents: ['gpt2'], choice: 'exploit' as const };
    const step = await designStep(store, book, designer, action, {
      autoApprove: true,
      rung: '50k',
      signal: new AbortController().signal,
    });
    assert.equal(step.added, undefined);
    assert.match(step.refused ?? '', /^near duplicate of gpt2: the same code up to names/);
    const refusal = readState(store).refused.at(-1);
    assert.ok(refusal);
    assert.equal(refusal.status, 'near-duplicate');
    assert.equal(refusal.duplicateOf, 'gpt2');
    assert.equal(store.list().length, 5);
  } finally {
    await store.close();
  }
});
