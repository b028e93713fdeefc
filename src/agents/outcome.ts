// What the LLM designer returns: a checked design ('ok') or a readable failure status, each with
// the costs of the calls made. Plain data: safe to store in design.json (no key, no client).
import type { CheckResult } from '../verify/types';
import type { Role } from './types';

export type DesignFailureStatus =
  | 'no-code'
  | 'broken-code'
  | 'wrong-unit'
  | 'rejected-by-reviewer'
  | 'timeout'
  | 'rate-limited'
  | 'server-error'
  | 'budget-exceeded';

export interface CallCost {
  readonly role: Role;
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly usd: number;
}

export interface Costs {
  readonly tokens: number;
  readonly usd: number;
  readonly calls: readonly CallCost[];
  /** Models with no known price: their calls count 0 dollars. */
  readonly unpriced: readonly string[];
}

export interface Review {
  readonly rating: number;
  readonly text: string;
}

/** A design the coder wrote and the checks passed (the store's Proposal, plus the record). */
export interface LlmProposal {
  readonly status: 'ok';
  readonly operator: 'mutate' | 'crossover' | 'scratch';
  readonly parents: string[];
  /** The unit written: the edited one (mutate), the slot filled (crossover), the root (scratch). */
  readonly unit: string;
  /** Crossover: the unit of the second parent that was taken. */
  readonly took?: string;
  readonly source: string;
  readonly summary: string;
  readonly proposal: string;
  readonly review?: Review;
  /** The observer's note, when it ran ('OK: ...' or 'CONCERN: ...'). */
  readonly observation?: string;
  readonly attempts: number;
  readonly verification: readonly CheckResult[];
  readonly costs: Costs;
  readonly message: string;
}

export interface DesignFailure {
  readonly status: DesignFailureStatus;
  readonly message: string;
  readonly unit?: string;
  readonly summary?: string;
  readonly review?: Review;
  /** For 'broken-code': the last attempt's findings. */
  readonly errors?: readonly string[];
  readonly attempts?: number;
  readonly costs: Costs;
}
