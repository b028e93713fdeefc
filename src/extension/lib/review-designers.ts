// The palette's designers behind one call (no vscode): the offline designer (no model, no
// network) for mutate, crossover and scratch; the LLM designer over an OpenAI-compatible endpoint
// for mutations. Either returns a candidate for the store, or a failure in words. The API key
// goes only to the client: never into a result, a message or a log line.
import { llmDesigner, modelsFor, OpenAICompatible, type DesignFailure } from '../../agents';
import {
  offlineDesigner,
  ratesFor,
  type LibraryUnit,
  type ParentDesign,
} from '../../evolve/offline';
import { mulberry32 } from '../../gab/rng';
import type { VerifyOptions } from '../../verify';
import { verifySource } from '../../verify';
import type { DesignerChoice } from './review-decision';

/** What the researcher asked for. */
export type Ask =
  | {
      readonly kind: 'mutate';
      readonly parent: ParentDesign;
      readonly unit?: string;
      readonly instruction?: string;
    }
  | { readonly kind: 'crossover'; readonly parents: readonly [ParentDesign, ParentDesign] }
  | { readonly kind: 'scratch'; readonly parents: readonly ParentDesign[] };

/** A proposal ready for the novelty check, the verifier and the store. */
export interface Candidate {
  readonly operator: 'mutate' | 'crossover' | 'scratch';
  readonly parents: string[];
  readonly unit?: string;
  readonly source: string;
  readonly summary: string;
  readonly proposal: { readonly designer: string; readonly detail?: unknown };
  readonly costs: { tokens: number; usd: number };
}

export type Outcome =
  | { readonly kind: 'proposal'; readonly candidate: Candidate }
  | {
      readonly kind: 'failure';
      readonly reason: string;
      /** The endpoint did not answer or refused: the settings (or the key) need a look. */
      readonly endpoint?: boolean;
      readonly costs?: { tokens: number; usd: number };
    };

/** The offline designer; `seed` makes the draw reproducible (it is kept in the record). */
export function proposeOffline(ask: Ask, library: readonly LibraryUnit[], seed: number): Outcome {
  const rng = mulberry32(seed);
  const rates = ratesFor(ask.kind);
  const steer =
    ask.kind === 'mutate'
      ? {
          ...(ask.unit !== undefined ? { unit: ask.unit } : {}),
          ...(ask.instruction !== undefined && ask.instruction.trim() !== ''
            ? { instruction: ask.instruction }
            : {}),
        }
      : undefined;
  const parents = ask.kind === 'mutate' ? [ask.parent] : [...ask.parents];
  try {
    const p = offlineDesigner({ rng, ...rates, ...(steer ? { steer } : {}) }).propose(
      parents,
      library,
    );
    const instruction = ask.kind === 'mutate' ? ask.instruction : undefined;
    return {
      kind: 'proposal',
      candidate: {
        operator: p.operator,
        parents: p.parents,
        ...(p.unit !== undefined ? { unit: p.unit } : {}),
        source: p.source,
        summary: p.summary,
        proposal: {
          designer: 'offline',
          detail: {
            seed,
            ...(p.variant !== undefined ? { variant: p.variant } : {}),
            ...(instruction !== undefined && instruction !== '' ? { instruction } : {}),
          },
        },
        costs: { tokens: 0, usd: 0 },
      },
    };
  } catch (err) {
    return { kind: 'failure', reason: err instanceof Error ? err.message : String(err) };
  }
}

export interface LlmCall {
  readonly baseURL: string;
  readonly model: string;
  readonly apiKey?: string;
  readonly verify: VerifyOptions;
  readonly signal: AbortSignal;
  /** Deadline of one model call, ms (default 120 s). */
  readonly timeoutMs?: number;
}

const ENDPOINT_FAILURES: ReadonlySet<string> = new Set(['timeout', 'server-error', 'rate-limited']);

function failure(f: DesignFailure, baseURL: string): Outcome {
  const endpoint = ENDPOINT_FAILURES.has(f.status);
  return {
    kind: 'failure',
    reason: endpoint
      ? `the LLM endpoint ${baseURL} did not give an answer: ${f.message}`
      : `the LLM designer gave no design (${f.status}): ${f.message}`,
    endpoint,
    costs: { tokens: f.costs.tokens, usd: f.costs.usd },
  };
}

/** The LLM designer: a mutation of `ask.parent` (its unit, else the proposer's choice). */
export async function proposeLlm(
  ask: Extract<Ask, { kind: 'mutate' }>,
  call: LlmCall,
): Promise<Outcome> {
  const llm = new OpenAICompatible({
    baseURL: call.baseURL,
    ...(call.apiKey !== undefined && call.apiKey !== '' ? { apiKey: call.apiKey } : {}),
    models: modelsFor(call.model),
    timeoutMs: call.timeoutMs ?? 120_000,
    // Someone waits on this: one retry, not a minute of back-off against a server that is down.
    maxRetries: 1,
  });
  const designer = llmDesigner(llm, {
    verify: (source, opts) => verifySource('block.ts', source, { ...call.verify, ...opts }),
  });
  const out = await designer.propose(ask.parent, ask.unit, ask.instruction, {
    signal: call.signal,
  });
  if (out.status !== 'ok') {
    return failure(out, call.baseURL);
  }
  return {
    kind: 'proposal',
    candidate: {
      operator: 'mutate',
      parents: out.parents,
      unit: out.unit,
      source: out.source,
      summary: out.summary,
      proposal: {
        designer: 'llm',
        detail: {
          model: call.model,
          proposal: out.proposal,
          ...(out.review !== undefined ? { review: out.review } : {}),
          attempts: out.attempts,
          ...(ask.instruction !== undefined && ask.instruction !== ''
            ? { instruction: ask.instruction }
            : {}),
        },
      },
      costs: { tokens: out.costs.tokens, usd: out.costs.usd },
    },
  };
}

/** The designer `choice` names (the LLM one for mutations; offline for the rest), logged. */
export async function proposeWith(
  choice: DesignerChoice,
  ask: Ask,
  library: readonly LibraryUnit[],
  call: Omit<LlmCall, 'baseURL' | 'model'> & { readonly log: (line: string) => void },
): Promise<Outcome> {
  if (choice.kind === 'llm' && ask.kind === 'mutate') {
    call.log(`designer: LLM ${choice.model} at ${choice.baseURL}`);
    return proposeLlm(ask, { ...call, baseURL: choice.baseURL, model: choice.model });
  }
  if (choice.kind === 'offline' && choice.note !== undefined) {
    call.log(choice.note);
  }
  const seed = Math.floor(Math.random() * 2 ** 31);
  const why =
    choice.kind === 'llm'
      ? `: the LLM designer makes mutations only; ${ask.kind} is the offline designer's`
      : '';
  call.log(`designer: offline (seed ${seed})${why}`);
  return proposeOffline(ask, library, seed);
}
