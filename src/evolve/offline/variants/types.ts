// What a unit variant is: a template for a complete `const X = unit({...})` statement (plus any
// helper units), parameterised by the unit's name, the context type and a few choices.

/** The role a unit plays in a block, which decides the variants that may replace it. */
export type Role = 'mixer' | 'mlp' | 'norm' | 'layout';

export interface RenderInput {
  /** The unit's name (the const and its `name`). */
  readonly name: string;
  /** The context type forward's `c` is annotated with: 'Ctx<H>' or 'Ctx'. */
  readonly ctx: string;
  /** Seeded randomness for the variant's own choices. */
  readonly rng: () => number;
  /** Width multiplier for hidden layers (MLPs), to match the replaced unit's size. Default 1. */
  readonly scale?: number;
  /** For layouts: the units the root composes (mixers in order, the MLP, the norm if any). */
  readonly parts?: {
    readonly mixers: readonly string[];
    readonly mlp?: string;
    readonly norm?: string;
  };
}

export interface Rendered {
  /** The unit statement. */
  readonly text: string;
  /** Helper unit statements it uses, users after their children. */
  readonly helpers: readonly string[];
  /** One sentence: what the unit now does and why it may help. */
  readonly summary: string;
  /** A short tag of the choices made, e.g. 'gqa-kv1-base500'. */
  readonly tag: string;
}

export interface Variant {
  readonly id: string;
  /** attention | recurrence | conv | shift | gate | norm | layout. */
  readonly family: string;
  readonly role: Role;
  render(input: RenderInput): Rendered;
}

/** One of `xs`, drawn with `rng`. */
export function pick<T>(rng: () => number, xs: readonly T[]): T {
  const x = xs[Math.min(xs.length - 1, Math.floor(rng() * xs.length))];
  if (x === undefined) {
    throw new Error('pick: nothing to choose from');
  }
  return x;
}

/** The usual output-projection init: GPT-2's residual scaling. */
export const OUT_INIT = '{ normal: 0.02 / Math.sqrt(2 * c.nBlocks) }';
