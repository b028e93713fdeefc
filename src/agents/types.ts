// The LLM seam of the designer agents: one method, `chat`, with a real implementation
// (openai.ts, any OpenAI-compatible endpoint) and scripted ones in tests. Errors that end a call
// are LlmErrors whose `kind` the designer turns into a readable status.
import type { SpendingCap } from './budget';

/** The Genesys designer roles; each may use its own model. */
export type Role = 'proposer' | 'reviewer' | 'coder' | 'observer';

export const ROLES: readonly Role[] = ['proposer', 'reviewer', 'coder', 'observer'];

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatRequest {
  readonly role: Role;
  readonly messages: readonly ChatMessage[];
  readonly signal?: AbortSignal;
  /** Spending caps this call counts against besides the LLM's own (e.g. one design's cap). */
  readonly caps?: readonly SpendingCap[];
}

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface ChatResult {
  readonly text: string;
  readonly model: string;
  readonly usage: Usage;
  /** Cost of this call in US dollars (0 for a model with no known price: see `priced`). */
  readonly usd: number;
  /** False when the model is not in the price table, so `usd` is 0 rather than measured. */
  readonly priced?: boolean;
  /** True when the answer was cut off by the max-output guard (or the server's length limit). */
  readonly truncated?: boolean;
  /** True when the server sent no usage and the token counts are estimated from characters. */
  readonly estimatedUsage?: boolean;
}

export interface LLM {
  chat(req: ChatRequest): Promise<ChatResult>;
}

/** Why a call failed; each maps onto one designer status. */
export type LlmErrorKind =
  'timeout' | 'rate-limited' | 'server-error' | 'budget-exceeded' | 'aborted' | 'request-error';

/** A failed LLM call. Its message never holds the API key (see redact in openai.ts). */
export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    /** HTTP status of the last attempt, when there was one. */
    readonly status?: number,
    /** Attempts made (1 = no retry). */
    readonly attempts?: number,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}
