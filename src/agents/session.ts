// One propose call's bookkeeping: the caps its calls count against (the run's, plus a fresh one
// for this design) and the cost of every call made, which every outcome reports.
import { SpendingCap, type CapLimits } from './budget';
import type { CallCost, Costs } from './outcome';
import type { ChatMessage, LLM, Role } from './types';

/** One propose call: its caps, costs and the calls made. */
export class Session {
  readonly calls: CallCost[] = [];
  readonly unpriced = new Set<string>();
  private readonly caps: SpendingCap[];

  constructor(
    private readonly llm: LLM,
    opts: { readonly perDesign?: CapLimits; readonly caps?: readonly SpendingCap[] },
    private readonly signal: AbortSignal | undefined,
  ) {
    const design = opts.perDesign === undefined ? [] : [new SpendingCap('design', opts.perDesign)];
    this.caps = [...(opts.caps ?? []), ...design];
  }

  async ask(role: Role, messages: readonly ChatMessage[]): Promise<string> {
    const r = await this.llm.chat({
      role,
      messages,
      caps: this.caps,
      ...(this.signal === undefined ? {} : { signal: this.signal }),
    });
    const { promptTokens, completionTokens } = r.usage;
    this.calls.push({ role, model: r.model, promptTokens, completionTokens, usd: r.usd });
    if (r.priced === false) {
      this.unpriced.add(r.model);
    }
    return r.text;
  }

  costs(): Costs {
    return {
      tokens: this.calls.reduce((s, c) => s + c.promptTokens + c.completionTokens, 0),
      usd: this.calls.reduce((s, c) => s + c.usd, 0),
      calls: [...this.calls],
      unpriced: [...this.unpriced],
    };
  }
}
