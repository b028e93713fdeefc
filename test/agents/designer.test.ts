// The LLM designer end to end against the scripted loopback server: a good design, a coder that
// fixes its code after the verifier's feedback, every fault ending in its status, and costs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpendingCap } from '../../src/agents/budget';
import { llmDesigner, type LlmDesignerOptions } from '../../src/agents/designer';
import type { OpenAICompatibleOptions } from '../../src/agents/openai';
import { unitTexts } from '../../src/units/tree';
import { startScriptedServer, tokensOf, type ScriptEntry } from '../support/openai-server';
import { client, coderAnswer, KEY, PARENT, PROPOSAL, REVIEW_FAIL, REVIEW_PASS } from './helpers';

async function design(
  script: readonly ScriptEntry[],
  opts: LlmDesignerOptions = {},
  llmOpts: Partial<OpenAICompatibleOptions> = {},
  unit?: string,
) {
  const server = await startScriptedServer(script);
  try {
    const { llm } = client(server.baseURL, llmOpts);
    const result = await llmDesigner(llm, { contract: '// CONTRACT', ...opts }).propose(
      PARENT,
      unit,
      'try a smoother gate',
      { siblings: ['wider MLP'] },
    );
    return { result, requests: server.requests };
  } finally {
    await server.close();
  }
}

void test('a good design end to end: proposer, reviewer, coder, observer; checks pass', async () => {
  const script = [PROPOSAL, REVIEW_PASS, coderAnswer('gelu'), 'OK: the gate is GELU as proposed.'];
  const { result, requests } = await design(script, { observe: true, contract: undefined });
  assert.equal(result.status, 'ok', result.message);
  assert.equal(result.unit, 'GatedMLP');
  assert.deepEqual(result.parents, ['gpt2']);
  assert.equal(result.summary, 'GELU gate instead of SiLU in the gated MLP');
  assert.deepEqual(result.review, { rating: 4, text: 'Sound and cheap; worth a try.' });
  assert.equal(result.observation, 'OK: the gate is GELU as proposed.');
  assert.equal(result.attempts, 1);
  assert.ok(result.source.includes('ops.gelu(gate)'));
  // Only GatedMLP changed; the protection check passed.
  const before = unitTexts('a.ts', PARENT.source);
  const after = unitTexts('b.ts', result.source);
  for (const [name, text] of before) {
    assert.equal(after.get(name) === text, name !== 'GatedMLP', name);
  }
  assert.ok(result.verification.some((c) => c.id === 'static/protected-units' && c.ok));
  // The prompts carry the real contract, the parent's code, the instruction and the siblings.
  assert.deepEqual(
    requests.map((r) => r.body.model),
    ['m-proposer', 'm-reviewer', 'm-coder', 'm-observer'],
  );
  assert.ok(requests[0].body.messages[0].content.includes('causalAttention('));
  assert.ok(requests[0].body.messages[1].content.includes(PARENT.source));
  assert.ok(requests[0].body.messages[1].content.includes('try a smoother gate'));
  assert.ok(requests[1].body.messages[1].content.includes('- wider MLP'));
});

void test('costs add up: every call counted, tokens and dollars as the server measured', async () => {
  const script = [PROPOSAL, REVIEW_PASS, coderAnswer('gelu')];
  const { result, requests } = await design(script);
  assert.equal(result.costs.calls.length, 3);
  let tokens = 0;
  let usd = 0;
  requests.forEach((r, i) => {
    const prompt = tokensOf(r.body.messages.map((m) => m.content).join(''));
    const completion = tokensOf(script[i]);
    assert.deepEqual(result.costs.calls[i], {
      role: (['proposer', 'reviewer', 'coder'] as const)[i],
      model: r.body.model,
      promptTokens: prompt,
      completionTokens: completion,
      usd: (prompt + 2 * completion) / 1e6,
    });
    tokens += prompt + completion;
    usd += (prompt + 2 * completion) / 1e6;
  });
  assert.equal(result.costs.tokens, tokens);
  assert.ok(Math.abs(result.costs.usd - usd) < 1e-15);
  assert.deepEqual(result.costs.unpriced, []);
});

void test("broken code is fixed after the verifier's feedback; the retry carries the errors", async () => {
  const script = [PROPOSAL, REVIEW_PASS, coderAnswer('geluu'), coderAnswer('gelu')];
  const { result, requests } = await design(script);
  assert.equal(result.status, 'ok', result.message);
  assert.equal(result.attempts, 2);
  const retry = requests[3].body.messages;
  assert.equal(retry.length, 4);
  assert.equal(retry[2].role, 'assistant');
  assert.equal(retry[2].content, coderAnswer('geluu'));
  assert.match(retry[3].content, /did not pass \(the static checks failed\)/);
  assert.match(
    retry[3].content,
    /- static\/compile at line \d+, column \d+ \(unit GatedMLP\): .*geluu/,
  );
});

void test('the caller verification runs after the static checks and its errors go back', async () => {
  let calls = 0;
  const verify: LlmDesignerOptions['verify'] = (_source, { editedUnit }) => {
    calls++;
    const ok = calls > 1;
    const check = {
      id: 'dynamic/causality',
      ok,
      severity: 'error' as const,
      message: 'leak at t=3',
    };
    return Promise.resolve({ ok, checks: [check], editedUnit });
  };
  const script = [PROPOSAL, REVIEW_PASS, coderAnswer('gelu'), coderAnswer('relu')];
  const { result, requests } = await design(script, { verify });
  assert.equal(result.status, 'ok', result.message);
  assert.match(requests[3].body.messages[3].content, /- dynamic\/causality: leak at t=3/);
});

void test('code that never passes ends in broken-code after N attempts, with the last errors', async () => {
  const bad = coderAnswer('geluu');
  const { result, requests } = await design([PROPOSAL, REVIEW_PASS, bad, bad], {
    maxCoderAttempts: 2,
  });
  assert.equal(result.status, 'broken-code');
  assert.equal(result.attempts, 2);
  assert.match(result.errors?.[0] ?? '', /static\/compile.*geluu/);
  assert.match(result.message, /the coder failed 2 time\(s\); last: the static checks failed/);
  assert.equal(requests.length, 4);
});

void test('no code (an empty answer, or prose) ends in no-code', async () => {
  const { result } = await design(
    [PROPOSAL, REVIEW_PASS, { fault: 'empty' }, 'I would use GELU.'],
    {
      maxCoderAttempts: 2,
    },
  );
  assert.equal(result.status, 'no-code');
  assert.match(result.message, /held no ```ts code block/);
});

void test('code for another unit ends in wrong-unit; so does an unknown unit', async () => {
  const other = coderAnswer('gelu').replace(/GatedMLP/g, 'MHA');
  const { result } = await design([PROPOSAL, REVIEW_PASS, other], { maxCoderAttempts: 1 });
  assert.equal(result.status, 'wrong-unit');
  assert.match(result.message, /declares only 'MHA', not 'GatedMLP'/);
  const unknown = await design([], {}, {}, 'Nope');
  assert.equal(unknown.result.status, 'wrong-unit');
  assert.match(unknown.result.message, /no unit 'Nope' \(units: /);
  assert.equal(unknown.requests.length, 0);
});

void test('a rating under 4 ends in rejected-by-reviewer, before any code is written', async () => {
  const { result, requests } = await design([PROPOSAL, REVIEW_FAIL]);
  assert.equal(result.status, 'rejected-by-reviewer');
  assert.match(result.message, /rated 2\/5 \(passes at 4\)/);
  assert.equal(requests.length, 2);
});

void test('faults end in their statuses: timeout, rate-limited, server-error', async () => {
  const fast = { timeoutMs: 300, maxRetries: 1 };
  const cases: [ScriptEntry[], string][] = [
    [[{ fault: 'hang' }], 'timeout'],
    [[PROPOSAL, { fault: 'endless' }], 'timeout'],
    [[{ fault: 'rate-limit' }, { fault: 'rate-limit' }], 'rate-limited'],
    [[{ fault: 'server-error' }, { fault: 'server-error', status: 502 }], 'server-error'],
  ];
  for (const [script, status] of cases) {
    const { result } = await design(script, {}, { ...fast, maxOutputTokens: 1e7 });
    assert.equal(result.status, status, result.message);
  }
});

void test('spending caps: a design over its cap ends in budget-exceeded, nothing sent', async () => {
  const { result, requests } = await design([PROPOSAL], { perDesign: { usd: 1e-6 } });
  assert.equal(result.status, 'budget-exceeded');
  assert.match(result.message, /the design cap of \$0\.0000/);
  assert.equal(requests.length, 0);
  const run = new SpendingCap('run', { tokens: 1 });
  assert.equal((await design([PROPOSAL], { caps: [run] })).result.status, 'budget-exceeded');
});

void test('the API key is absent from what the designer returns, whatever the outcome', async () => {
  const echo: ScriptEntry = { fault: 'status', status: 401, message: `bad key ${KEY}` };
  const ok = await design([PROPOSAL, REVIEW_PASS, coderAnswer('gelu')]);
  const refused = await design([echo]);
  assert.equal(refused.result.status, 'server-error');
  for (const r of [ok.result, refused.result]) {
    assert.ok(!JSON.stringify(r).includes(KEY), JSON.stringify(r).slice(0, 200));
  }
  assert.equal(ok.requests[0]?.authorization, `Bearer ${KEY}`);
});
