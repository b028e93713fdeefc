// The loop's designers behind one seam (design.ts LoopDesigner): the offline designer (no model)
// and the LLM designer over an OpenAI-compatible endpoint. Keys come from the environment and go
// only to the client: never into the store, a file or a log line.
import {
  OpenAICompatible,
  apiKeyFromEnv,
  llmDesigner,
  modelsFor,
  SpendingCap,
  type DesignFailure,
  type LlmDesigner,
  type LlmProposal,
  type ProposeExtra,
} from '../../agents';
import { keyedRandom } from '../../gab/rng';
import type { DesignStore } from '../../store';
import { verifySource } from '../../verify';
import { offlineDesigner, ratesFor } from '../offline';
import type { Action } from '../selection';
import type { LoopDesigner, Proposed } from './design';
import { crossSlot, libraryFor, scratchExample } from './llm-inputs';

const parentsOf = (store: DesignStore, ids: readonly string[]): { id: string; source: string }[] =>
  ids.map((id) => ({ id, source: store.source(id) }));

/** The offline designer, seeded by (seed, step): a restart draws fresh choices, not the same ones. */
export function offlineLoopDesigner(seed: number): LoopDesigner {
  return {
    name: 'offline',
    propose(action, store, _signal, step) {
      const rng = keyedRandom(seed, `evolve-step-${step}`);
      const rates = ratesFor(action.operator);
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
  /** Deadline of one call, ms (default 120 s), and retries on 429 and 5xx (default 3). */
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  /** Coder attempts per design (default 3). */
  readonly maxCoderAttempts?: number;
  /** Keys the choice of a crossover's unit and a scratch design's library sample (default 0). */
  readonly seed?: number;
  /** A spending cap per design, US dollars (Genesys: $2; default none beyond the run's). */
  readonly maxUsdPerDesign?: number;
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

/** What the reviewer compares with: the siblings of the first parent and the tree's summaries. */
function extraFor(action: Action, store: DesignStore, signal: AbortSignal): ProposeExtra {
  const first = action.parents.at(0);
  const all = store.list();
  return {
    siblings: all
      .filter((d) => first !== undefined && d.parents.at(0) === first && d.summary !== undefined)
      .map((d) => `${d.id}: ${(d.summary ?? '').split('\n')[0]}`),
    known: all.flatMap((d) => (d.summary === undefined ? [] : [{ id: d.id, summary: d.summary }])),
    signal,
  };
}

type Outcome = LlmProposal | DesignFailure;

/** Runs the operator selection chose; a failure the loop records when it cannot even start. */
async function run(
  designer: LlmDesigner,
  action: Action,
  store: DesignStore,
  extra: ProposeExtra,
  rng: () => number,
): Promise<Outcome | string> {
  const ps = parentsOf(store, action.parents);
  const a = ps.at(0);
  const b = ps.at(1);
  if (action.operator === 'scratch') {
    const example = scratchExample(store);
    if (example === undefined) {
      return 'a scratch design needs an example block in the tree (a seed): run blocksmith init';
    }
    return designer.scratch({ library: libraryFor(store, rng), example }, undefined, extra);
  }
  if (a === undefined) {
    return 'the LLM designer needs a parent design';
  }
  if (action.operator === 'crossover' && b !== undefined) {
    const take = crossSlot(a.source, b.source, rng);
    if (take === undefined) {
      return `no unit of ${b.id} has a place of the same role in ${a.id} (a mixer or an MLP)`;
    }
    return designer.crossover(a, b, take, undefined, extra);
  }
  return designer.propose(a, undefined, undefined, extra);
}

/** The LLM designer for all three operators (mutation, crossover, scratch). */
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
    timeoutMs: s.timeoutMs ?? 120_000,
    maxRetries: s.maxRetries ?? 3,
    caps: [cap],
  });
  const designer = llmDesigner(llm, {
    verify: (source, opts) => verifySource('block.ts', source, { ...opts, rung: s.rung }),
    ...(s.maxCoderAttempts !== undefined ? { maxCoderAttempts: s.maxCoderAttempts } : {}),
    ...(s.maxUsdPerDesign !== undefined ? { perDesign: { usd: s.maxUsdPerDesign } } : {}),
  });
  return {
    name: 'llm',
    async propose(action, store, signal, step) {
      const rng = keyedRandom(s.seed ?? 0, `llm-step-${step}`);
      const out = await run(designer, action, store, extraFor(action, store, signal), rng);
      if (typeof out === 'string') {
        return { kind: 'failure', reason: out };
      }
      const costs = { tokens: out.costs.tokens, usd: out.costs.usd };
      if (out.status !== 'ok') {
        return {
          kind: 'failure',
          status: out.status,
          reason: `${out.status}: ${out.message}`,
          costs,
        };
      }
      return {
        kind: 'proposal',
        operator: out.operator,
        parents: out.parents,
        ...(out.operator === 'scratch' ? {} : { unit: out.unit }),
        source: out.source,
        summary: out.summary,
        detail: {
          proposal: out.proposal,
          review: out.review,
          attempts: out.attempts,
          ...(out.took !== undefined ? { took: out.took } : {}),
        },
        // The coder's last attempt ran the loop's own verification at the same rung.
        report: { ok: true, checks: out.verification },
        costs,
      };
    },
  };
}
