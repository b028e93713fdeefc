// Shared pieces of the agent tests: a parent design, scripted answers, a client on the server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAICompatible, type OpenAICompatibleOptions } from '../../src/agents/openai';
import { seedsDir } from '../../src/paths';

export const KEY = 'sk-test-9f8e7d6c5b4a-secret';

export const PARENT = {
  id: 'gpt2',
  source: readFileSync(join(seedsDir(), 'gpt2', 'block.ts'), 'utf8'),
};

export const PROPOSAL = [
  'UNIT: GatedMLP',
  'SUMMARY: GELU gate instead of SiLU in the gated MLP',
  'PROPOSAL:',
  'Swap the SiLU gate for GELU: smoother near zero, often a little better at small scale.',
].join('\n');

export const REVIEW_PASS = '{"rating": 4, "review": "Sound and cheap; worth a try."}';
export const REVIEW_FAIL = '{"rating": 2, "review": "A known change with little upside."}';

/** The coder's answer: a GatedMLP whose gate is `gate` (an op name). */
export function coderAnswer(gate: string): string {
  return [
    'Here is the new unit:',
    '```ts',
    'const GatedMLP = unit({',
    "  name: 'GatedMLP',",
    '  children: [],',
    '  forward(c: Ctx<H>, x, z) {',
    '    const d = c.d;',
    '    const hidden = Math.max(8, Math.round((c.hp.mlpRatio * d) / 8) * 8);',
    "    const [gate, up] = ops.split(ops.linear(x, c.param('wGateUp', [d, 2 * hidden])), 2, -1);",
    "    const wDown = c.param('wDown', [hidden, d], { normal: 0.02 / Math.sqrt(2 * c.nBlocks) });",
    `    return [ops.linear(ops.mul(ops.${gate}(gate), up), wDown), z];`,
    '  },',
    '});',
    '```',
  ].join('\n');
}

export const MODELS = {
  proposer: 'm-proposer',
  reviewer: 'm-reviewer',
  coder: 'm-coder',
  observer: 'm-observer',
} as const;

/** $1 per 1M prompt tokens and $2 per 1M completion tokens for every role's model. */
export const PRICES = Object.fromEntries(
  Object.values(MODELS).map((m) => [m, { inPer1M: 1, outPer1M: 2 }]),
);

/** A client of `baseURL` that never really sleeps (back-off delays are recorded). */
export function client(
  baseURL: string,
  over: Partial<OpenAICompatibleOptions> = {},
): { llm: OpenAICompatible; delays: number[] } {
  const delays: number[] = [];
  const llm = new OpenAICompatible({
    baseURL,
    apiKey: KEY,
    models: MODELS,
    timeoutMs: 5_000,
    maxRetries: 2,
    prices: PRICES,
    baseDelayMs: 100,
    random: () => 0.5,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    ...over,
  });
  return { llm, delays };
}
