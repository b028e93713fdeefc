// Token and dollar accounting: the price table and spending caps. A cap refuses a call BEFORE it
// is sent when its worst case (the prompt, estimated from characters, plus the full output
// allowance) would take the spent total over the limit, so a cap is never overrun by a call.
import { LlmError } from './types';

export interface Price {
  /** US dollars per million prompt tokens. */
  readonly inPer1M: number;
  /** US dollars per million completion tokens. */
  readonly outPer1M: number;
}

/**
 * Default prices (USD per 1M tokens, list prices when written). A model missing here costs 0 and
 * its calls are marked `priced: false`: pass `prices` to OpenAICompatible for your own models.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'gpt-4o': { inPer1M: 2.5, outPer1M: 10 },
  'gpt-4o-mini': { inPer1M: 0.15, outPer1M: 0.6 },
  'gpt-4.1': { inPer1M: 2, outPer1M: 8 },
  'gpt-4.1-mini': { inPer1M: 0.4, outPer1M: 1.6 },
  'gpt-4.1-nano': { inPer1M: 0.1, outPer1M: 0.4 },
  o3: { inPer1M: 2, outPer1M: 8 },
  'o4-mini': { inPer1M: 1.1, outPer1M: 4.4 },
};

/** The price of `model` from `table` (then the defaults), or undefined when unknown. */
export function priceOf(
  model: string,
  table: Readonly<Record<string, Price>> = {},
): Price | undefined {
  return table[model] ?? DEFAULT_PRICES[model];
}

/** Dollars for a call's tokens at `price` (0 when the price is unknown). */
export function costUsd(
  price: Price | undefined,
  promptTokens: number,
  completionTokens: number,
): number {
  if (price === undefined) {
    return 0;
  }
  return (promptTokens * price.inPer1M + completionTokens * price.outPer1M) / 1e6;
}

/** A rough token count for text we have not sent yet: about 4 characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface Spend {
  readonly usd: number;
  readonly tokens: number;
}

export interface CapLimits {
  /** Most US dollars that may be spent. */
  readonly usd?: number;
  /** Most tokens (prompt + completion) that may be used. */
  readonly tokens?: number;
}

/**
 * A spending cap: a name for messages ('design', 'run'), limits, and what was spent. A call
 * reserves its worst case while in flight, so concurrent calls on one cap cannot overrun it.
 */
export class SpendingCap {
  private spentUsd = 0;
  private spentTokens = 0;
  private heldUsd = 0;
  private heldTokens = 0;

  constructor(
    readonly name: string,
    readonly limits: CapLimits,
  ) {}

  get spent(): { usd: number; tokens: number } {
    return { usd: this.spentUsd, tokens: this.spentTokens };
  }

  /** Throws LlmError('budget-exceeded') if a call costing at most `worst` would overrun. */
  check(worst: { usd: number; tokens: number }, what: string): void {
    const { usd, tokens } = this.limits;
    const usedUsd = this.spentUsd + this.heldUsd;
    const usedTokens = this.spentTokens + this.heldTokens;
    if (usd !== undefined && usedUsd + worst.usd > usd) {
      throw new LlmError(
        'budget-exceeded',
        `${what} refused: it may cost up to $${worst.usd.toFixed(4)} and the ${this.name} cap of $${usd.toFixed(4)} has $${Math.max(0, usd - usedUsd).toFixed(4)} left; raise the cap or lower the output allowance`,
      );
    }
    if (tokens !== undefined && usedTokens + worst.tokens > tokens) {
      throw new LlmError(
        'budget-exceeded',
        `${what} refused: it may use up to ${worst.tokens} tokens and the ${this.name} cap of ${tokens} tokens has ${Math.max(0, tokens - usedTokens)} left; raise the cap or lower the output allowance`,
      );
    }
  }

  /** Checks, then holds `worst` until the returned release is called with the actual cost. */
  reserve(worst: { usd: number; tokens: number }, what: string): (actual?: Spend) => void {
    this.check(worst, what);
    this.heldUsd += worst.usd;
    this.heldTokens += worst.tokens;
    let done = false;
    return (actual) => {
      if (done) {
        return;
      }
      done = true;
      this.heldUsd -= worst.usd;
      this.heldTokens -= worst.tokens;
      if (actual !== undefined) {
        this.charge(actual.usd, actual.tokens);
      }
    };
  }

  charge(usd: number, tokens: number): void {
    this.spentUsd += usd;
    this.spentTokens += tokens;
  }
}
