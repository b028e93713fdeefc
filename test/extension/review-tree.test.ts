// The evolution tree from records alone: nesting by first parent, crossover children under their
// first parent, no record ever lost (missing parents, cycles), words and contextValue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTree,
  contextValue,
  describe,
  statusIcon,
  tooltipMarkdown,
  topFitness,
  type DesignNode,
} from '../../src/extension/lib/review-tree';
import type { DesignRecord } from '../../src/store/types';

let clock = 0;
function rec(id: string, parents: string[], extra: Partial<DesignRecord> = {}): DesignRecord {
  clock += 1;
  return {
    id,
    parents,
    operator: parents.length === 0 ? 'seed' : parents.length > 1 ? 'crossover' : 'mutate',
    status: 'verified',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(),
    ...extra,
  };
}

const shape = (nodes: readonly DesignNode[]): unknown =>
  nodes.map((n) => (n.children.length === 0 ? n.id : { [n.id]: shape(n.children) }));

void test('designs nest under their first parent; seeds and orphans sit at the top', () => {
  const records = [
    rec('gpt2', []),
    rec('mamba2', []),
    rec('gpt2-1', ['gpt2']),
    rec('gpt2-2', ['gpt2', 'mamba2']),
    rec('gpt2-1-3', ['gpt2-1']),
    rec('lost-4', ['gone']),
  ];
  assert.deepEqual(shape(buildTree(records)), [
    { gpt2: [{ 'gpt2-1': ['gpt2-1-3'] }, 'gpt2-2'] },
    'mamba2',
    'lost-4',
  ]);
});

void test('a cycle of hand-edited parents loses no design', () => {
  const records = [rec('a', ['b']), rec('b', ['a']), rec('c', ['c'])];
  const all: string[] = [];
  const walk = (ns: readonly DesignNode[]): void => {
    ns.forEach((n) => {
      all.push(n.id);
      walk(n.children);
    });
  };
  walk(buildTree(records));
  assert.deepEqual(all.sort(), ['a', 'b', 'c']);
});

void test('the description shows fitness at the highest rung, the other parent and the status', () => {
  const r = rec('x', ['gpt2', 'mamba2'], {
    status: 'trained',
    fitness: { '1M': 0.9, '50k': 1.1, '250k': 1.01234 },
  });
  assert.deepEqual(topFitness(r), { rung: '1M', value: 0.9 });
  assert.equal(describe(r), '0.900 @ 1M · × mamba2');
  assert.equal(describe(rec('y', ['gpt2'], { status: 'pending-review' })), 'pending-review');
});

void test('the tooltip escapes model-written Markdown and lists fitness by rung in ladder order', () => {
  const md = tooltipMarkdown(
    rec('x', ['gpt2'], {
      unit: 'MHA',
      summary: 'uses *[link](http://a)*',
      fitness: { '250k': 2, '50k': 1 },
    }),
  );
  assert.ok(md.includes('uses \\*\\[link\\]\\(http://a\\)\\*'), md);
  assert.ok(md.indexOf('| 50k |') < md.indexOf('| 250k |'), md);
  assert.ok(md.includes('unit `MHA`'), md);
});

void test('contextValue carries hasParent, hasReport and trainable as the menus expect', () => {
  assert.equal(contextValue(rec('gpt2', []), false), 'blocksmith.design trainable');
  assert.equal(
    contextValue(rec('x', ['gpt2'], { status: 'trained' }), true),
    'blocksmith.design hasParent hasReport trainable',
  );
  assert.equal(
    contextValue(rec('x', ['gpt2'], { status: 'pending-review' }), false),
    'blocksmith.design hasParent',
  );
  assert.equal(statusIcon('training').icon, 'sync~spin');
});
