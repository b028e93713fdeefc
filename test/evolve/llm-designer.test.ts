// The loop's LLM designer runs the operator selection chose: a crossover takes a unit of the second
// parent into the place of the same role in the first, a scratch design gets the unit library;
// both verified at the lowest rung, against the scripted loopback server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { llmLoopDesigner } from '../../src/evolve/loop/designers';
import { crossSlot, libraryFor } from '../../src/evolve/loop/llm-inputs';
import { keyedRandom } from '../../src/gab/rng';
import { DesignStore } from '../../src/store';
import { coderAnswer, KEY, REVIEW_PASS } from '../agents/helpers';
import { workspace } from '../store/helpers';
import { startScriptedServer, type ScriptEntry } from '../support/openai-server';

const settings = (baseURL: string) => ({
  baseURL,
  model: 'm',
  maxUsd: 5,
  maxTokens: 1e7,
  spent: { tokens: 0, usd: 0 },
  env: { BLOCKSMITH_API_KEY: KEY },
  rung: '50k',
  timeoutMs: 5000,
  maxRetries: 0,
});

async function propose(
  script: readonly ScriptEntry[],
  action: Parameters<ReturnType<typeof llmLoopDesigner>['propose']>[0],
  step: number,
) {
  const store = await DesignStore.open(workspace(), { readOnly: true });
  const server = await startScriptedServer(script);
  try {
    const d = llmLoopDesigner(settings(server.baseURL));
    const out = await d.propose(action, store, new AbortController().signal, step);
    return { out, requests: server.requests, store };
  } finally {
    await server.close();
    await store.close();
  }
}

void test('crossover: the unit of the second parent goes into the place of the same role', async () => {
  const store = await DesignStore.open(workspace(), { readOnly: true });
  const [gpt2, retnet] = ['gpt2', 'retnet'].map((id) => store.source(id));
  // the step whose draw takes retnet's MLP into gpt2's GatedMLP
  const step = [...Array(40).keys()].find(
    (k) => crossSlot(gpt2, retnet, keyedRandom(0, `llm-step-${k}`))?.slot === 'GatedMLP',
  );
  await store.close();
  assert.ok(step !== undefined);
  const cross = 'SUMMARY: RetNet MLP in GPT-2\nPROPOSAL:\nA GELU MLP in place of the gate.';
  const { out, requests } = await propose(
    [cross, REVIEW_PASS, coderAnswer('gelu')],
    { operator: 'crossover', parents: ['gpt2', 'retnet'], choice: 'exploit' },
    step,
  );
  assert.ok(out.kind === 'proposal', out.kind === 'failure' ? out.reason : '');
  assert.equal(out.operator, 'crossover');
  assert.deepEqual(out.parents, ['gpt2', 'retnet']);
  assert.equal(out.unit, 'GatedMLP');
  assert.deepEqual((out.detail as { took?: string }).took, 'RetNetMLP');
  assert.equal(out.report?.ok, true);
  assert.ok(out.report.checks.some((c) => c.id.startsWith('dynamic/')));
  assert.ok(requests[0].body.messages[1].content.includes('The unit to take is `RetNetMLP`'));
});

void test('scratch: the proposer sees the unit library; the whole file is verified', async () => {
  const ws = workspace();
  const store = await DesignStore.open(ws, { readOnly: true });
  const gpt2 = store.source('gpt2');
  const lib = libraryFor(store, keyedRandom(0, 'x'));
  assert.ok(lib.length > 5 && new Set(lib.map((e) => e.name)).size === lib.length);
  await store.close();
  const fresh = gpt2.replace("name: 'gpt2'", "name: 'fresh'").replace('ops.silu(', 'ops.gelu(');
  const { out, requests } = await propose(
    [
      'SUMMARY: attention and a GELU MLP\nPROPOSAL:\nReuse MHA.',
      REVIEW_PASS,
      '```ts\n' + fresh + '```',
    ],
    { operator: 'scratch', parents: [], choice: 'scratch' },
    1,
  );
  assert.ok(out.kind === 'proposal', out.kind === 'failure' ? out.reason : '');
  assert.equal(out.operator, 'scratch');
  assert.deepEqual(out.parents, []);
  assert.equal(out.unit, undefined);
  assert.equal(out.source, fresh);
  assert.equal(out.report?.ok, true);
  assert.match(requests[0].body.messages[1].content, /^The unit library .*\n\n`\w+` \[/);
  assert.match(requests[2].body.messages[1].content, /as the design `gpt2` writes it/);
});

void test('a failed call is a failure with its status, and nothing is proposed', async () => {
  const { out } = await propose(
    [{ fault: 'server-error' }],
    { operator: 'mutate', parents: ['gpt2'], choice: 'exploit' },
    1,
  );
  assert.ok(out.kind === 'failure');
  assert.equal(out.status, 'server-error');
});
