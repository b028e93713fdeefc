// The designer agents' public surface: the LLM seam and its OpenAI-compatible client, spending
// caps and prices, the prompt templates and the LLM designer with the Genesys roles.
import type { Role } from './types';

export { DEFAULT_PRICES, SpendingCap, costUsd, priceOf } from './budget';
export type { CapLimits, Price } from './budget';
export type { VerifyFn } from './coder';
export { llmDesigner } from './designer';
export type { LlmDesigner, LlmDesignerOptions, ProposeExtra, ScratchInput } from './designer';
export type { LibraryEntry } from './operator-roles';
export { nearSummaries, type KnownDesign } from './similar';
export type {
  CallCost,
  Costs,
  DesignFailure,
  DesignFailureStatus,
  LlmProposal,
  Review,
} from './outcome';
export { OpenAICompatible, apiKeyFromEnv } from './openai';
export type { OpenAICompatibleOptions } from './openai';
export { loadNamedTemplate, loadTemplate, promptsDir } from './prompts';
export { LlmError, ROLES } from './types';
export type { ChatMessage, ChatRequest, ChatResult, LLM, LlmErrorKind, Role, Usage } from './types';

/** One model for every role, with per-role overrides (e.g. a stronger coder). */
export function modelsFor(
  model: string,
  overrides: Partial<Record<Role, string>> = {},
): Record<Role, string> {
  return {
    proposer: overrides.proposer ?? model,
    reviewer: overrides.reviewer ?? model,
    coder: overrides.coder ?? model,
    observer: overrides.observer ?? model,
  };
}
