// The review gate's decisions: what Accept and Reject record, when Accept verifies again, the
// queue's words, parent document paths and which designer the palette uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  acceptDecision,
  designerChoice,
  designOfFile,
  diffTitle,
  needsReverify,
  notPending,
  parentDocPath,
  parentOfDocPath,
  queueItem,
  rejectDecision,
  sha256,
} from '../../src/extension/lib/review-decision';
import type { DesignRecord } from '../../src/store/types';

const base: DesignRecord = {
  id: 'gpt2-3',
  parents: ['gpt2'],
  operator: 'mutate',
  unit: 'MHA',
  status: 'pending-review',
  summary: 'Mutates MHA into sliding-window attention.',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const text = 'export default 1;\n';

void test('accept records the decision, the time and whether the text was edited', () => {
  const at = new Date('2026-02-03T04:05:06.000Z');
  assert.deepEqual(acceptDecision(true, at), {
    decision: 'accepted',
    at: '2026-02-03T04:05:06.000Z',
    edited: true,
  });
  assert.deepEqual(rejectDecision('  dup of gpt2-1 ', at), {
    decision: 'rejected',
    at: '2026-02-03T04:05:06.000Z',
    reason: 'dup of gpt2-1',
  });
  assert.equal('reason' in rejectDecision('   ', at), false);
});

void test('accept verifies again when the text is unsaved, unverified or differs from the verified', () => {
  const verified = { ...base, verification: { ok: true, sha256: sha256(text) } };
  assert.equal(needsReverify(verified, text, false), false);
  assert.equal(needsReverify(verified, text, true), true, 'dirty editor');
  assert.equal(needsReverify(verified, `${text}// edit\n`, false), true, 'edited on disk');
  assert.equal(needsReverify(base, text, false), true, 'verification dropped by a hand edit');
  assert.equal(needsReverify({ ...base, verification: { ok: false } }, text, false), true);
  // The evolution loop's records carry no hash: their verification stands until the store drops it.
  assert.equal(needsReverify({ ...base, verification: { ok: true } }, text, false), false);
});

void test('only pending designs can be decided on', () => {
  assert.equal(notPending(base, base.id), undefined);
  assert.match(
    notPending({ ...base, status: 'verified' }, base.id) ?? '',
    /'verified', not waiting/,
  );
  assert.match(notPending(undefined, 'nope') ?? '', /no design 'nope'/);
});

void test('names: the diff title, parent documents, block files', () => {
  assert.equal(diffTitle('gpt2', 'gpt2-m3'), 'gpt2 ↔ gpt2-m3 (proposal)');
  assert.equal(parentOfDocPath(parentDocPath('gpt2')), 'gpt2');
  assert.equal(parentOfDocPath('/a/b/block.ts'), undefined);
  const root = join('/w', 'ws');
  assert.equal(designOfFile(root, join(root, 'designs', 'gpt2-3', 'block.ts')), 'gpt2-3');
  assert.equal(designOfFile(root, join(root, 'designs', 'gpt2-3', 'design.json')), undefined);
  assert.equal(designOfFile(root, join('/w', 'other', 'designs', 'x', 'block.ts')), undefined);
});

void test('a queue row shows the rating, the operator, the parents and the summary', () => {
  const llm = {
    ...base,
    proposal: { designer: 'llm', detail: { review: { rating: 4, text: 'ok' } } },
  };
  assert.deepEqual(queueItem(llm), {
    label: 'gpt2-3',
    description: '★ 4/5 · mutate of gpt2 (MHA)',
    tooltip: 'Mutates MHA into sliding-window attention.',
  });
  assert.equal(
    queueItem({ ...base, parents: [], operator: 'scratch', unit: undefined }).description,
    'scratch of unit library',
  );
});

void test('the LLM designer only with both an endpoint and a model', () => {
  assert.deepEqual(designerChoice('', ''), { kind: 'offline' });
  assert.deepEqual(designerChoice(' http://127.0.0.1:1/v1 ', 'm'), {
    kind: 'llm',
    baseURL: 'http://127.0.0.1:1/v1',
    model: 'm',
  });
  assert.match(
    JSON.stringify(designerChoice('http://x/v1', '')),
    /"kind":"offline".*model\.proposer is empty/,
  );
});
