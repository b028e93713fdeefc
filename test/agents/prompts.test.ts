// Prompt templates: the renderer, and assembled prompts compared with the expected text exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fill, parseTemplate, renderSection } from '../../src/agents/prompts';
import {
  coderRetryMessage,
  loadTemplates,
  proposerMessages,
  reviewerMessages,
  type PromptContext,
} from '../../src/agents/roles';

const CTX: PromptContext = {
  contract: '// CONTRACT',
  parentId: 'tiny',
  parent: 'const Leaf = unit({});',
  units: ['Root', 'Leaf'],
  unit: 'Leaf',
  unitText: 'const Leaf = unit({});',
  instruction: 'make it gated',
};
const T = loadTemplates();

void test('the proposer prompt, exactly: parent, units, unit text, instruction; contract in system', () => {
  const [system, user] = proposerMessages(T, CTX);
  assert.equal(system.role, 'system');
  assert.ok(system.content.endsWith('```ts\n// CONTRACT\n```'), system.content.slice(-60));
  assert.equal(
    user.content,
    [
      'The parent design `tiny`:',
      '',
      '```ts',
      'const Leaf = unit({});',
      '```',
      '',
      'Its units: `Root`, `Leaf`.',
      'The unit to edit is `Leaf`; as it is now:',
      '',
      '```ts',
      'const Leaf = unit({});',
      '```',
      '',
      "The researcher's instruction: make it gated",
      '',
      'Answer in exactly this form:',
      'UNIT: <the name of the unit to edit>',
      'SUMMARY: <one line: what changes>',
      'PROPOSAL:',
      '<at most 200 words: the idea, why it should lower the loss or the cost, and how the unit changes>',
    ].join('\n'),
  );
});

void test('the reviewer prompt, exactly, with the siblings and near duplicates listed', () => {
  const p = { summary: 'gate the leaf', proposal: 'Multiply by a sigmoid gate.' };
  const [, user] = reviewerMessages(
    T,
    CTX,
    p,
    ['sibling one', 'sibling two'],
    ['gpt2-7: a sigmoid gate on the leaf'],
  );
  assert.equal(
    user.content,
    [
      'The parent design `tiny`, unit `Leaf` as it is now:',
      '',
      '```ts',
      'const Leaf = unit({});',
      '```',
      '',
      'The proposal:',
      'SUMMARY: gate the leaf',
      'Multiply by a sigmoid gate.',
      '',
      'Sibling proposals already made from this parent:',
      '- sibling one',
      '- sibling two',
      '',
      'Designs already in the tree that look close to this proposal:',
      '- gpt2-7: a sigmoid gate on the leaf',
      '',
      'Answer with one JSON object and nothing else: {"rating": <1-5>, "review": "<two or three sentences>"}',
    ].join('\n'),
  );
});

void test("the coder's retry message, exactly, carries the verifier's errors", () => {
  const msg = coderRetryMessage(T, CTX, 'the static checks failed', [
    'static/compile at line 3, column 9 (unit Leaf): no op geluu',
  ]);
  assert.equal(msg.role, 'user');
  assert.equal(
    msg.content,
    [
      'Your code for `Leaf` did not pass (the static checks failed):',
      '- static/compile at line 3, column 9 (unit Leaf): no op geluu',
      '',
      'Fix it and answer again with ONE ```ts code block holding the whole new `const Leaf = unit({...});` statement.',
    ].join('\n'),
  );
});

void test('fill: one pass (values are not expanded), a missing value is a clear error', () => {
  assert.equal(fill('a {{x}} b', { x: '{{y}}' }, 't'), 'a {{y}} b');
  assert.throws(() => fill('{{nope}}', { x: '1' }, 'demo.md'), /demo\.md uses \{\{nope\}\}/);
});

void test('parseTemplate: sections by marker; a missing section or marker is a clear error', () => {
  const tpl = parseTemplate('t.md', '<!-- system -->\nS {{a}}\n\n<!-- user -->\n\nU\n');
  assert.deepEqual(tpl.sections, { system: 'S {{a}}', user: 'U' });
  assert.equal(renderSection(tpl, 'system', { a: '1' }), 'S 1');
  assert.throws(() => renderSection(tpl, 'retry', {}), /no '<!-- retry -->' section/);
  assert.throws(() => parseTemplate('x.md', 'just text'), /x\.md has no section marker/);
});
