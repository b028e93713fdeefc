// The palette's designers: the offline designer for the three operators (steered for a mutation),
// the LLM designer against a real loopback chat-completions server, and an endpoint that is down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  proposeLlm,
  proposeOffline,
  type Candidate,
  type Outcome,
} from '../../src/extension/lib/review-designers';
import { seedsDir } from '../../src/paths';
import { unitTexts } from '../../src/units/tree';
import { startScriptedServer } from '../support/openai-server';
import { coderAnswer, KEY, PROPOSAL, REVIEW_PASS } from '../agents/helpers';

const seed = (id: string) => ({
  id,
  source: readFileSync(join(seedsDir(), id, 'block.ts'), 'utf8'),
});
const gpt2 = seed('gpt2');

function candidate(out: Outcome): Candidate {
  if (out.kind === 'failure') {
    assert.fail(out.reason);
  }
  return out.candidate;
}

function failure(out: Outcome): { reason: string; endpoint?: boolean } {
  if (out.kind === 'proposal') {
    assert.fail(`expected a failure, got ${out.candidate.summary}`);
  }
  return out;
}
const mamba2 = seed('mamba2');
const library = [gpt2, mamba2].flatMap((p) =>
  [...unitTexts('p.ts', p.source)].map(([name, text]) => ({ name, text, designs: [p.id] })),
);

void test('offline: a mutation of the unit picked, with the seed and instruction kept', () => {
  const out = proposeOffline(
    { kind: 'mutate', parent: gpt2, unit: 'GatedMLP', instruction: 'plain mlp' },
    [],
    7,
  );
  const c = candidate(out);
  assert.equal(c.operator, 'mutate');
  assert.equal(c.unit, 'GatedMLP');
  assert.deepEqual(c.parents, ['gpt2']);
  assert.equal(c.proposal.designer, 'offline');
  assert.deepEqual(c.proposal.detail, {
    seed: 7,
    variant: (c.proposal.detail as { variant: string }).variant,
    instruction: 'plain mlp',
  });
});

void test('offline: crossover of the two designs picked, and scratch from the library', () => {
  const x = candidate(proposeOffline({ kind: 'crossover', parents: [gpt2, mamba2] }, [], 3));
  assert.equal(x.operator, 'crossover');
  assert.deepEqual([...x.parents].sort(), ['gpt2', 'mamba2']);
  const s = candidate(proposeOffline({ kind: 'scratch', parents: [gpt2, mamba2] }, library, 3));
  assert.equal(s.operator, 'scratch');
  assert.deepEqual(s.parents, []);
});

void test('offline: a unit no variant fits is a failure that names the units that can be', () => {
  const out = proposeOffline({ kind: 'mutate', parent: gpt2, unit: 'Nope' }, [], 1);
  assert.match(failure(out).reason, /cannot mutate unit 'Nope'.*GatedMLP/);
});

void test('LLM: a mutation through a real loopback endpoint, the key sent but never kept', async () => {
  const server = await startScriptedServer([PROPOSAL, REVIEW_PASS, coderAnswer('gelu')]);
  try {
    const out = await proposeLlm(
      { kind: 'mutate', parent: gpt2, unit: 'GatedMLP', instruction: 'a GELU gate' },
      {
        baseURL: server.baseURL,
        model: 'm',
        apiKey: KEY,
        verify: { staticOnly: true },
        signal: new AbortController().signal,
      },
    );
    const c = candidate(out);
    assert.equal(c.unit, 'GatedMLP');
    assert.equal(c.proposal.designer, 'llm');
    assert.match(c.source, /ops\.gelu\(gate\)/);
    const detail = c.proposal.detail as { review: { rating: number } };
    assert.equal(detail.review.rating, 4);
    assert.ok(!JSON.stringify(out).includes(KEY), 'the key is in the result');
    assert.equal(server.requests[0].authorization, `Bearer ${KEY}`);
  } finally {
    await server.close();
  }
});

void test('LLM: an endpoint that is down is an endpoint failure, without the key', async () => {
  const server = await startScriptedServer([]);
  const baseURL = server.baseURL;
  await server.close();
  const out = await proposeLlm(
    { kind: 'mutate', parent: gpt2 },
    {
      baseURL,
      model: 'm',
      apiKey: KEY,
      verify: { staticOnly: true },
      signal: new AbortController().signal,
      timeoutMs: 5000,
    },
  );
  const f = failure(out);
  assert.equal(f.endpoint, true);
  assert.match(f.reason, /did not give an answer.*cannot reach the server/);
  assert.ok(!f.reason.includes(KEY));
});
