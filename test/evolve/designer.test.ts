// The offline designer: deterministic from its rng; its proposals pass the static checks (a
// mutation also the protection check); a small sample passes full verification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { offlineDesigner, type Proposal } from '../../src/evolve/offline';
import { mulberry32 } from '../../src/gab/rng';
import { seedsDir } from '../../src/paths';
import { unitTexts } from '../../src/units/tree';
import { verifySource } from '../../src/verify';
import { checkStatic } from '../../src/verify/static';
import { isOk } from '../../src/verify/types';

const SEEDS = ['gpt2', 'mamba2', 'retnet', 'rwkv6', 'ttt'];
const parents = SEEDS.map((id) => ({
  id,
  source: readFileSync(join(seedsDir(), id, 'block.ts'), 'utf8'),
}));
const library = parents.flatMap((p) =>
  [...unitTexts('p.ts', p.source)].map(([name, text]) => ({ name, text, designs: [p.id] })),
);

function proposals(seed: number, n: number): Proposal[] {
  const d = offlineDesigner({ rng: mulberry32(seed), scratchRate: 0.15, crossoverRate: 0.25 });
  return Array.from({ length: n }, () => d.propose(parents, library));
}

function staticOpts(p: Proposal): { parentSource?: string; editedUnit?: string } {
  const parent = parents.find((q) => q.id === p.parents[0]);
  return p.operator === 'mutate' && parent
    ? { parentSource: parent.source, editedUnit: p.unit }
    : {};
}

void test('the offline designer is deterministic given its rng', () => {
  const a = proposals(3, 6);
  const b = proposals(3, 6);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, proposals(4, 6));
});

void test('its proposals pass the static checks and say what they do', () => {
  const ps = proposals(11, 24);
  for (const p of ps) {
    assert.ok(isOk(checkStatic('p.ts', p.source, staticOpts(p))), `${p.variant}\n${p.source}`);
    assert.ok(p.summary.length > 60, p.summary);
    assert.equal(p.operator === 'scratch', p.parents.length === 0);
  }
  const ops = new Set(ps.map((p) => p.operator));
  assert.ok(ops.has('mutate') && ops.has('crossover'), [...ops].join(', '));
});

void test('a small sample of proposals passes full verification at the 50k rung', async () => {
  for (const p of proposals(5, 2)) {
    const report = await verifySource('p.ts', p.source, { rung: '50k', ...staticOpts(p) });
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.id}: ${c.message}`);
    assert.ok(report.ok, `${p.variant}: ${failed.join('\n')}`);
  }
});
