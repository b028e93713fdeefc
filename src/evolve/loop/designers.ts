// The loop's designers behind one seam (design.ts LoopDesigner): the offline designer (no model)
// and the LLM designer over an OpenAI-compatible endpoint. Keys come from the environment and go
// only to the client: never into the store, a file or a log line.
import { OpenAICompatible, apiKeyFromEnv, llmDesigner, modelsFor, SpendingCap } from '../../agents';
import { keyedRandom } from '../../gab/rng';
import type { DesignStore } from '../../store';
import { verifySource } from '../../verify';
import { offlineDesigner } from '../offline';
import type { LoopDesigner, Proposed } from './design';

const parentsOf = (store: DesignStore, ids: readonly string[]): { id: string; source: string }[] =>
  ids.map((id) => ({ id, source: store.source(id) }));

/** The offline designer, seeded by (seed, step): a restart draws fresh choices, not the same ones. */
export function offlineLoopDesigner(seed: number): LoopDesigner {
  return {
    name: 'offline',
    propose(action, store, _signal, step) {
      const rng = keyedRandom(seed, `evolve-step-${step}`);
      const rates =
        action.operator === 'scratch'
          ? { scratchRate: 1, crossoverRate: 0 }
          : action.operator === 'crossover'
            ? { scratchRate: 0, crossoverRate: 1 }
            : { scratchRate: 0, crossoverRate: 0 };
      try {
        const p = offlineDesigner({ rng, ...rates }).propose(
          parentsOf(store, action.parents),
          store.units(),
        );
        return Promise.resolve<Proposed>({
          kind: 'proposal',
          operator: p.operator,
          parents: p.parents,
          ...(p.unit !== undefined ? { unit: p.unit } : {}),
          source: p.source,
          summary: p.summary,
          ...(p.variant !== undefined ? { detail: { variant: p.variant } } : {}),
        });
      } catch (err) {
        return Promise.resolve<Proposed>({ kind: 'failure', reason: (err as Error).message });
      }
    },
  };
}

export interface LlmSettings {
  readonly baseURL: string | undefined;
  readonly model: string | undefined;
  readonly maxUsd: number;
  readonly maxTokens: number;
  /** What was already spent (the workspace's lifetime): the caps count from there. */
  readonly spent: { tokens: number; usd: number };
  readonly env: NodeJS.ProcessEnv;
  readonly rung: string;
}

/** Why the LLM designer cannot start, in words that say what to set; undefined when it can. */
export function llmSetupProblem(s: LlmSettings): string | undefined {
  if (s.baseURL === undefined || s.baseURL === '') {
    return 'the LLM designer needs an endpoint: pass --base-url or set BLOCKSMITH_BASE_URL (e.g. https://api.openai.com/v1, or http://127.0.0.1:11434/v1 for Ollama)';
  }
  if (s.model === undefined || s.model === '') {
    return 'the LLM designer needs a model: pass --model (e.g. gpt-4o-mini) or set BLOCKSMITH_MODEL';
  }
  const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(s.baseURL);
  if (!local && apiKeyFromEnv(s.env) === undefined) {
    return `the endpoint ${s.baseURL} needs an API key: set BLOCKSMITH_API_KEY (or OPENAI_API_KEY) in the environment`;
  }
  return undefined;
}

/** The LLM designer: mutations only (it edits one unit of one parent); crossover and scratch fall back to a mutation of the first parent. */
export function llmLoopDesigner(s: LlmSettings): LoopDesigner {
  const apiKey = apiKeyFromEnv(s.env);
  const cap = new SpendingCap('run', {
    usd: Math.max(0, s.maxUsd - s.spent.usd),
    tokens: Math.max(0, s.maxTokens - s.spent.tokens),
  });
  const llm = new OpenAICompatible({
    baseURL: s.baseURL ?? '',
    ...(apiKey !== undefined ? { apiKey } : {}),
    models: modelsFor(s.model ?? ''),
    timeoutMs: 120_000,
    maxRetries: 3,
    caps: [cap],
  });
  const designer = llmDesigner(llm, {
    verify: (source, opts) => verifySource('block.ts', source, { ...opts, rung: s.rung }),
  });
  return {
    name: 'llm',
    async propose(action, store, signal) {
      const id = action.parents.at(0);
      if (id === undefined) {
        return { kind: 'failure', reason: 'the LLM designer needs a parent design' };
      }
      const out = await designer.propose({ id, source: store.source(id) }, undefined, undefined, {
        signal,
      });
      const costs = { tokens: out.costs.tokens, usd: out.costs.usd };
      if (out.status !== 'ok') {
        return { kind: 'failure', reason: `${out.status}: ${out.message}`, costs };
      }
      return {
        kind: 'proposal',
        operator: 'mutate',
        parents: out.parents,
        unit: out.unit,
        source: out.source,
        summary: out.summary,
        detail: { proposal: out.proposal, review: out.review, attempts: out.attempts },
        costs,
      };
    },
  };
}
