// The dashboard's DOM-free parts in plain Node: the tree layout, the curve buffers, rung order
// and the kept-state cleaning. The rendering is tested in Chromium by test/webview/run.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesignNode } from '../../src/shared/dashboard-protocol';
import { CurveStore } from '../../webview/src/curve-store';
import { cleanState } from '../../webview/src/host';
import { chooseRung, sortRungs } from '../../webview/src/rungs';
import { hitTest, LAYER_GAP, layoutTree, NODE_GAP } from '../../webview/src/tree-layout';

const node = (id: string, parents: string[] = [], minute = 0): DesignNode => ({
  id,
  parents,
  operator: parents.length === 0 ? 'seed' : 'mutate',
  status: 'verified',
  createdAt: new Date(Date.UTC(2026, 10, 1, 0, minute)).toISOString(),
});

void test('layout: generation is 1 + the deepest parent; edges run parent -> child', () => {
  const t = layoutTree([
    node('c', ['a', 'b'], 3),
    node('a'),
    node('b', ['a'], 1),
    node('x', ['missing'], 2),
  ]);
  const depth = (id: string): number => t.depth[t.index.get(id)!];
  assert.deepEqual(['a', 'b', 'c', 'x'].map(depth), [0, 1, 2, 0]);
  assert.equal(t.ys[t.index.get('c')!], 2 * LAYER_GAP);
  const pairs: string[] = [];
  for (let e = 0; e < t.edges.length; e += 2) {
    pairs.push(`${t.nodes[t.edges[e]].id}>${t.nodes[t.edges[e + 1]].id}`);
  }
  assert.deepEqual(pairs.sort(), ['a>b', 'a>c', 'b>c']);
});

void test('layout: a layer is centred, NODE_GAP apart, children ordered under their parents', () => {
  const t = layoutTree([node('p'), node('q', [], 1), node('q1', ['q'], 2), node('p1', ['p'], 3)]);
  const x = (id: string): number => t.xs[t.index.get(id)!];
  assert.equal(x('q') - x('p'), NODE_GAP);
  assert.equal(x('p') + x('q'), 0);
  assert.ok(x('p1') < x('q1'), 'p1 sits under p, left of q1, although created later');
});

void test('layout: a cycle and a 5,000-generation chain do not hang or overflow', () => {
  const cyc = layoutTree([node('a', ['b']), node('b', ['a'])]);
  assert.equal(cyc.nodes.length, 2);
  const chain = Array.from({ length: 5000 }, (_, i) => node(`n${i}`, i > 0 ? [`n${i - 1}`] : []));
  const t = layoutTree(chain.reverse());
  assert.equal(t.depth[t.index.get('n4999')!], 4999);
});

void test('hitTest finds the nearest node within the radius only', () => {
  const t = layoutTree([node('a'), node('b', [], 1)]);
  const ia = t.index.get('a')!;
  assert.equal(hitTest(t, t.xs[ia] + 2, t.ys[ia], 5), ia);
  assert.equal(hitTest(t, t.xs[ia], t.ys[ia] + 50, 5), -1);
});

void test('curve store: appends grow typed buffers, skip non-finite pairs, keep views exact', () => {
  const s = new CurveStore();
  const meta = { key: 'a@50k:train', design: 'a', rung: '50k', kind: 'train' as const };
  assert.equal(s.append(meta, [1, 2], [5, 4]), true);
  const big = Array.from({ length: 1000 }, (_, i) => i + 3);
  assert.equal(s.append(meta, [...big, 9999], [...big.map(() => 3), Number.NaN]), false);
  const [xs, ys] = s.byKey(meta.key)!.view();
  assert.equal(xs.length, 1002);
  assert.deepEqual([xs[0], xs[1001], ys[1001]], [1, 1002, 3]);
  s.reset([{ ...meta, key: 'b@1M:val', rung: '1M', kind: 'val', tokens: [1], loss: [2] }]);
  assert.deepEqual(s.rungs(), ['1M']);
  assert.equal(s.byKey(meta.key), undefined);
});

void test('rungs sort by size; the pick wins, then the rung in training, then the lowest', () => {
  assert.deepEqual(sortRungs(['1M', '14M', '50k', '250k', '50k']), ['50k', '250k', '1M', '14M']);
  assert.equal(chooseRung(['50k', '1M'], '1M', '50k'), '1M');
  assert.equal(chooseRung(['50k', '1M'], 'gone', '1M'), '1M');
  assert.equal(chooseRung(['50k', '1M'], undefined, undefined), '50k');
  assert.equal(chooseRung([], undefined, undefined), undefined);
});

void test('a kept state is cleaned field by field', () => {
  assert.deepEqual(cleanState(null), {});
  assert.deepEqual(
    cleanState({ tab: 'tree', selected: 'a', hidden: ['k', 3], rung: 7, extra: true }),
    { tab: 'tree', selected: 'a', hidden: ['k'] },
  );
  assert.deepEqual(cleanState({ tab: 'nope' }), {});
});
