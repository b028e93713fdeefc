// The store's side of review: a proposal edited by the reviewer (block.ts saved by hand) stays in
// the queue, its verification dropped, so Accept verifies the edited text again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needsReverify } from '../../src/extension/lib/review-decision';
import { DesignStore } from '../../src/store';
import { seedSource, variant, workspace } from '../store/helpers';

void test('a pending proposal edited by hand stays pending and must be verified again', async () => {
  const ws = workspace();
  let store = await DesignStore.open(ws);
  const source = variant(seedSource(ws), 32);
  const p = await store.add(source, {
    parents: ['gpt2'],
    operator: 'mutate',
    status: 'pending-review',
    verification: { ok: true },
  });
  await store.close();
  const edited = variant(seedSource(ws), 64);
  writeFileSync(join(ws, 'designs', p.id, 'block.ts'), edited);
  const reader = await DesignStore.open(ws, { readOnly: true });
  assert.equal(reader.get(p.id)?.status, 'pending-review', 'read-only views keep it in the queue');
  await reader.close();
  store = await DesignStore.open(ws);
  const rec = store.get(p.id);
  assert.equal(rec?.status, 'pending-review');
  assert.equal(rec.verification, undefined);
  assert.equal(needsReverify(rec, edited, false), true);
  assert.deepEqual(
    store.notes.filter((n) => n.id === p.id).map((n) => n.kind),
    ['changed-by-hand'],
  );
  await store.close();
});
