// The LLM designer's crossover and scratch: their prompts as exact strings, and both operators end
// to end against the scripted loopback server (the coder's retry on the verifier's findings too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { llmDesigner } from '../../src/agents/designer';
import {
  crossProposerMessages,
  loadOperatorTemplates,
  scratchCoderMessages,
  type CrossContext,
} from '../../src/agents/operator-roles';
import { nearSummaries } from '../../src/agents/similar';
import { seedsDir } from '../../src/paths';
import { unitTexts } from '../../src/units/tree';
import { startScriptedServer, type ScriptEntry } from '../support/openai-server';
import { client, coderAnswer, PARENT, REVIEW_PASS } from './helpers';

const T = loadOperatorTemplates();
const RETNET = {
  id: 'retnet',
  source: readFileSync(join(seedsDir(), 'retnet', 'block.ts'), 'utf8'),
};
const CROSS = 'SUMMARY: RetNet MLP in GPT-2\nPROPOSAL:\nA plain GELU MLP in place of the gate.';
const SCRATCH = 'SUMMARY: attention with a GELU MLP\nPROPOSAL:\nReuse MHA and a GELU gate.';

void test('the crossover proposer prompt, exactly: both parents, the unit to take, its place', () => {
  const ctx: CrossContext = {
    contract: '// CONTRACT',
    parentId: 'a',
    parent: 'const Leaf = unit({});',
    units: ['Root', 'Leaf'],
    unit: 'Leaf',
    unitText: 'const Leaf = unit({});',
    instruction: undefined,
    otherId: 'b',
    other: 'const Twig = unit({ b: 1 });',
    take: 'Twig',
    takeText: 'const Twig = unit({ b: 1 });',
  };
  const [system, user] = crossProposerMessages(T, ctx);
  assert.ok(system.content.endsWith('```ts\n// CONTRACT\n```'));
  const fence = (code: string): string[] => ['```ts', code, '```'];
  assert.equal(
    user.content,
    [
      'The first parent `a` (the design that is kept):',
      '',
      ...fence('const Leaf = unit({});'),
      '',
      'The second parent `b` (the unit is taken from it):',
      '',
      ...fence('const Twig = unit({ b: 1 });'),
      '',
      'The unit to take is `Twig` of `b`:',
      '',
      ...fence('const Twig = unit({ b: 1 });'),
      '',
      'It takes the place of `Leaf` of `a`, as it is now:',
      '',
      ...fence('const Leaf = unit({});'),
      '',
      "The researcher's instruction: none; use your own judgement.",
      '',
      'Answer in exactly this form:',
      'SUMMARY: <one line: what the cross brings>',
      'PROPOSAL:',
      '<at most 200 words: how `Twig` fits in the place of `Leaf` (its inputs, hyperparameters and children), and why the cross should lower the loss or the cost>',
    ].join('\n'),
  );
});

void test('the scratch coder prompt, exactly: the example, the library entries, the proposal', () => {
  const [, user] = scratchCoderMessages(
    T,
    {
      contract: '// CONTRACT',
      library: [{ name: 'Leaf', text: 'const Leaf = unit ( { } ) ;', designs: ['a', 'b'] }],
      example: { id: 'gpt2', source: '// the file' },
      instruction: 'keep it small',
    },
    { summary: 'one leaf', proposal: 'Just the leaf.' },
  );
  assert.equal(
    user.content,
    [
      'The form of a block file, as the design `gpt2` writes it:',
      '',
      '```ts',
      '// the file',
      '```',
      '',
      'The unit library (units already written in the tree; the designs that hold each in brackets):',
      '',
      '`Leaf` [a, b]:',
      '',
      '```ts',
      'const Leaf = unit ( { } ) ;',
      '```',
      '',
      'The proposal to implement:',
      'SUMMARY: one leaf',
      'Just the leaf.',
      '',
      "The researcher's instruction: keep it small",
      '',
      "Answer with ONE ```ts code block holding the whole block file: the import from 'blocksmith/gab', `export const hparams = {...};`, every unit as a top-level `const X = unit({...});`, and `export default block({ name, hparams, root });`.",
    ].join('\n'),
  );
});

async function withServer<T>(script: readonly ScriptEntry[], fn: (url: string) => Promise<T>) {
  const server = await startScriptedServer(script);
  try {
    return { result: await fn(server.baseURL), requests: server.requests };
  } finally {
    await server.close();
  }
}

void test('crossover end to end: the prompts carry both parents; only the slot changes', async () => {
  const { result, requests } = await withServer([CROSS, REVIEW_PASS, coderAnswer('gelu')], (url) =>
    llmDesigner(client(url).llm, { contract: '// C' }).crossover(
      PARENT,
      RETNET,
      { unit: 'RetNetMLP', slot: 'GatedMLP' },
      undefined,
      { siblings: ['gpt2-3: wider heads'] },
    ),
  );
  assert.equal(result.status, 'ok', result.message);
  assert.equal(result.operator, 'crossover');
  assert.deepEqual(result.parents, ['gpt2', 'retnet']);
  assert.equal(result.unit, 'GatedMLP');
  assert.equal(result.took, 'RetNetMLP');
  const before = unitTexts('a.ts', PARENT.source);
  const after = unitTexts('b.ts', result.source);
  for (const [name, text] of before) {
    assert.equal(after.get(name) === text, name !== 'GatedMLP', name);
  }
  for (const r of [requests[0], requests[2]]) {
    const user = r.body.messages[1].content;
    assert.ok(user.includes(PARENT.source) && user.includes(RETNET.source));
  }
  assert.ok(requests[1].body.messages[1].content.includes('const RetNetMLP = unit({'));
  assert.ok(requests[1].body.messages[1].content.includes('- gpt2-3: wider heads'));
});

void test('crossover with a unit the parent lacks ends in wrong-unit before any call', async () => {
  const { result, requests } = await withServer([], (url) =>
    llmDesigner(client(url).llm).crossover(PARENT, RETNET, { unit: 'Nope', slot: 'GatedMLP' }),
  );
  assert.equal(result.status, 'wrong-unit');
  assert.match(result.message, /design retnet has no unit 'Nope' \(units: /);
  assert.equal(requests.length, 0);
});

void test('scratch end to end: a whole file from the library, fixed after the static checks', async () => {
  const good = PARENT.source
    .replace("name: 'gpt2'", "name: 'fresh'")
    .replace('ops.silu(gate)', 'ops.gelu(gate)');
  assert.notEqual(good, PARENT.source);
  const broken = good.replace(/export default block[^\n]*\n/, '');
  const script = [
    SCRATCH,
    REVIEW_PASS,
    `\`\`\`ts\n${broken}\`\`\``,
    `Fixed:\n\`\`\`ts\n${good}\`\`\``,
  ];
  const library = [...unitTexts('p.ts', PARENT.source)].map(([name, text]) => ({
    name,
    text,
    designs: ['gpt2'],
  }));
  const known = [{ id: 'gpt2-4', summary: 'attention with a GELU MLP gate' }];
  const { result, requests } = await withServer(script, (url) =>
    llmDesigner(client(url).llm, { contract: '// C' }).scratch(
      { library, example: PARENT },
      undefined,
      { known, siblings: ['not shown for scratch'] },
    ),
  );
  assert.equal(result.status, 'ok', result.message);
  assert.equal(result.operator, 'scratch');
  assert.deepEqual(result.parents, []);
  assert.equal(result.unit, 'GPT2Block');
  assert.equal(result.attempts, 2);
  assert.equal(result.source, good);
  assert.ok(requests[0].body.messages[1].content.includes('`GatedMLP` [gpt2]:'));
  const review = requests[1].body.messages[1].content;
  assert.ok(review.includes('- gpt2-4: attention with a GELU MLP gate'), review);
  assert.ok(!review.includes('not shown'));
  assert.match(
    requests[3].body.messages[3].content,
    /^Your block did not pass \(the static checks failed\):\n- /,
  );
});

void test('nearSummaries: the designs whose summary reads like the proposal, closest first', () => {
  const known = [
    { id: 'a', summary: 'GELU gate in the gated MLP' },
    { id: 'b', summary: 'Rotary base 500 in attention' },
    { id: 'c', summary: 'GELU gate in the MLP of the block' },
  ];
  assert.deepEqual(nearSummaries('GELU gate in the gated MLP', known), [
    'a: GELU gate in the gated MLP',
    'c: GELU gate in the MLP of the block',
  ]);
  assert.deepEqual(nearSummaries('a state-space mixer', known), []);
});
