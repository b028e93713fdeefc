// OpenAICompatible against a real chat-completions server on loopback: streaming and plain
// answers, usage and costs, retries with back-off, faults, spending caps, the key kept secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpendingCap } from '../../src/agents/budget';
import { apiKeyFromEnv } from '../../src/agents/openai';
import { modelsFor } from '../../src/agents';
import { LlmError, type ChatRequest } from '../../src/agents/types';
import { startScriptedServer, tokensOf, type ScriptEntry } from '../support/openai-server';
import { client, KEY } from './helpers';

const ASK: ChatRequest = {
  role: 'coder',
  messages: [
    { role: 'system', content: 'You write code.' },
    { role: 'user', content: 'Say hello.' },
  ],
};
const PROMPT_TOKENS = tokensOf('You write code.Say hello.');

async function withServer<T>(
  script: readonly ScriptEntry[],
  body: (s: Awaited<ReturnType<typeof startScriptedServer>>) => Promise<T>,
): Promise<T> {
  const server = await startScriptedServer(script);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

async function failure(p: Promise<unknown>): Promise<LlmError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LlmError, `expected an LlmError, got ${String(err)}`);
    return err;
  }
  assert.fail('the call should have failed');
}

void test('streaming: the text, usage and cost of the answer; the model and key are sent', () =>
  withServer(['Hello, researcher! '.repeat(5)], async (server) => {
    const { llm } = client(server.baseURL);
    const r = await llm.chat(ASK);
    assert.equal(r.text, 'Hello, researcher! '.repeat(5));
    assert.equal(r.model, 'm-coder');
    const completion = tokensOf(r.text);
    assert.deepEqual(r.usage, { promptTokens: PROMPT_TOKENS, completionTokens: completion });
    assert.equal(r.usd, (PROMPT_TOKENS * 1 + completion * 2) / 1e6);
    assert.equal(r.priced, true);
    assert.equal(r.estimatedUsage, false);
    const req = server.requests[0];
    assert.equal(req.body.stream, true);
    assert.equal(req.body.model, 'm-coder');
    assert.equal(req.authorization, `Bearer ${KEY}`);
  }));

void test('non-streaming answers work too; an unknown model costs 0 and says so', () =>
  withServer(['plain answer'], async (server) => {
    const { llm } = client(server.baseURL, { stream: false, prices: {} });
    const r = await llm.chat(ASK);
    assert.equal(r.text, 'plain answer');
    assert.equal(server.requests[0]?.body.stream, false);
    assert.equal(r.usd, 0);
    assert.equal(r.priced, false);
    assert.equal(r.usage.completionTokens, tokensOf('plain answer'));
  }));

void test('429 and 5xx are retried with back-off; Retry-After is honoured', () =>
  withServer(
    [{ fault: 'rate-limit', retryAfter: '2' }, { fault: 'server-error', status: 503 }, 'ok'],
    async (server) => {
      const { llm, delays } = client(server.baseURL);
      const r = await llm.chat(ASK);
      assert.equal(r.text, 'ok');
      // 2 s from the server, then the second back-off: ceiling 200 ms, jitter 0.5 -> 150 ms.
      assert.deepEqual(delays, [2000, 150]);
      assert.equal(server.requests.length, 3);
    },
  ));

void test('retries are bounded: the last 429 or 500 ends the call with its kind', async () => {
  await withServer(Array(3).fill({ fault: 'rate-limit' }), async (server) => {
    const err = await failure(client(server.baseURL).llm.chat(ASK));
    assert.equal(err.kind, 'rate-limited');
    assert.equal(err.attempts, 3);
    assert.equal(server.requests.length, 3);
  });
  await withServer(Array(2).fill({ fault: 'server-error' }), async (server) => {
    const err = await failure(client(server.baseURL, { maxRetries: 1 }).llm.chat(ASK));
    assert.equal(err.kind, 'server-error');
    assert.equal(err.status, 500);
    assert.match(err.message, /server error \(500\) 2 time/);
  });
});

void test('a Retry-After longer than the longest wait ends the call at once', () =>
  withServer([{ fault: 'rate-limit', retryAfter: '3600' }, 'never'], async (server) => {
    const { llm, delays } = client(server.baseURL);
    const err = await failure(llm.chat(ASK));
    assert.equal(err.kind, 'rate-limited');
    assert.match(err.message, /asks to wait 3600 s.*try again later/);
    assert.deepEqual(delays, []);
  }));

void test('a server that never answers ends in a timeout, not retried', () =>
  withServer([{ fault: 'hang' }], async (server) => {
    const err = await failure(client(server.baseURL, { timeoutMs: 300 }).llm.chat(ASK));
    assert.equal(err.kind, 'timeout');
    assert.match(err.message, /no complete answer within 300 ms/);
    assert.equal(server.requests.length, 1);
  }));

void test('an endless stream ends: by the output guard (truncated) or by the deadline', async () => {
  await withServer([{ fault: 'endless' }], async (server) => {
    const { llm } = client(server.baseURL, { maxOutputTokens: 50, timeoutMs: 10_000 });
    const r = await llm.chat(ASK);
    assert.equal(r.truncated, true);
    assert.ok(r.text.length > 400 && r.text.length < 500, `${r.text.length} characters`);
    assert.equal(r.estimatedUsage, true);
  });
  await withServer([{ fault: 'endless' }], async (server) => {
    const { llm } = client(server.baseURL, { maxOutputTokens: 1e7, timeoutMs: 300 });
    assert.equal((await failure(llm.chat(ASK))).kind, 'timeout');
  });
});

void test('the API key never appears in an error, even when the server echoes it', () =>
  withServer(
    [{ fault: 'status', status: 401, message: `Incorrect API key provided: ${KEY}.` }],
    async (server) => {
      const err = await failure(client(server.baseURL).llm.chat(ASK));
      assert.equal(err.kind, 'request-error');
      assert.equal(err.status, 401);
      assert.ok(!err.message.includes(KEY), err.message);
      assert.ok(!String(err.stack).includes(KEY));
      assert.match(err.message, /\[redacted\].*Check the base URL, the model name and the API key/);
    },
  ));

void test('a spending cap refuses the call that could overrun it, before sending it', () =>
  withServer(['a', 'b', 'c'], async (server) => {
    // Worst case per call: the prompt estimate plus 100 output tokens.
    const cap = new SpendingCap('run', { tokens: 2 * (PROMPT_TOKENS + 100) });
    const { llm } = client(server.baseURL, { maxOutputTokens: 100, caps: [cap] });
    await llm.chat(ASK);
    await llm.chat(ASK);
    assert.equal(cap.spent.tokens, 2 * (PROMPT_TOKENS + 1));
    const design = new SpendingCap('design', { usd: 1e-9 });
    const err = await failure(llm.chat({ ...ASK, caps: [design] }));
    assert.equal(err.kind, 'budget-exceeded');
    assert.match(err.message, /the coder call to m-coder refused: .* the design cap of \$0\.0000/);
    assert.equal(server.requests.length, 2);
  }));

void test('apiKeyFromEnv prefers BLOCKSMITH_API_KEY, then OPENAI_API_KEY', () => {
  assert.equal(apiKeyFromEnv({ BLOCKSMITH_API_KEY: 'a', OPENAI_API_KEY: 'b' }), 'a');
  assert.equal(apiKeyFromEnv({ OPENAI_API_KEY: 'b' }), 'b');
  assert.equal(apiKeyFromEnv({ OPENAI_API_KEY: ' ' }), undefined);
});

void test('the caller can cancel a call in flight: it ends as aborted, not retried', () =>
  withServer([{ fault: 'hang' }], async (server) => {
    const ctrl = new AbortController();
    const pending = client(server.baseURL).llm.chat({ ...ASK, signal: ctrl.signal });
    setTimeout(() => {
      ctrl.abort();
    }, 50);
    const err = await failure(pending);
    assert.equal(err.kind, 'aborted');
    assert.equal(server.requests.length, 1);
  }));

void test('modelsFor: one model for every role, with overrides', () => {
  assert.deepEqual(modelsFor('m', { coder: 'c' }), {
    proposer: 'm',
    reviewer: 'm',
    coder: 'c',
    observer: 'm',
  });
});

void test('concurrent calls on one cap: the worst case is held while a call is in flight', () =>
  withServer(['first', 'second'], async (server) => {
    const cap = new SpendingCap('run', { tokens: PROMPT_TOKENS + 100 });
    const { llm } = client(server.baseURL, { maxOutputTokens: 100, caps: [cap] });
    const [a, b] = await Promise.allSettled([llm.chat(ASK), llm.chat(ASK)]);
    assert.equal(a.status, 'fulfilled');
    assert.equal(b.status === 'rejected' && (b.reason as LlmError).kind, 'budget-exceeded');
    assert.equal(cap.spent.tokens, PROMPT_TOKENS + tokensOf('first'));
    assert.equal(server.requests.length, 1);
  }));
