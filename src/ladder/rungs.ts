// The Ladder of Scales: named rung presets, smallest first. One module, so `verify`, `train`
// and the ladder agree on what a rung is. Overrides are checked: an unknown key is refused.

export interface Rung {
  /** Short name, e.g. '50k' or '14M'. */
  readonly name: string;
  /** 'laptop' rungs train on CPU in minutes; 'paper' rungs are Genesys's GPU rungs. */
  readonly kind: 'laptop' | 'paper';
  /** Model width D. */
  readonly d: number;
  /** Number of blocks in the stack. */
  readonly nBlocks: number;
  /** Context length L used for training and verification. */
  readonly context: number;
  /** Non-embedding parameters of the GPT seed here: designs are tuned to within 20% of it. */
  readonly referenceParams: number;
  /** Training tokens per (non-embedding) parameter. */
  readonly tokensPerParam: number;
  /** How many designs this rung may train (narrowing: about a quarter of the rung below). */
  readonly maxDesigns: number;
  /** Tokenizer: raw bytes (vocabulary 256) or GPT-2 BPE. */
  readonly vocab: 'bytes' | 'gpt2';
}

export const RUNGS: readonly Rung[] = [
  {
    name: '50k',
    kind: 'laptop',
    d: 48,
    nBlocks: 2,
    context: 64,
    referenceParams: 55_488,
    tokensPerParam: 20,
    maxDesigns: 32,
    vocab: 'bytes',
  },
  {
    name: '250k',
    kind: 'laptop',
    d: 80,
    nBlocks: 3,
    context: 128,
    referenceParams: 232_800,
    tokensPerParam: 20,
    maxDesigns: 8,
    vocab: 'bytes',
  },
  {
    name: '1M',
    kind: 'laptop',
    d: 128,
    nBlocks: 5,
    context: 128,
    referenceParams: 989_440,
    tokensPerParam: 20,
    maxDesigns: 2,
    vocab: 'bytes',
  },
  {
    name: '14M',
    kind: 'paper',
    d: 128,
    nBlocks: 6,
    context: 2048,
    referenceParams: 1_187_328,
    tokensPerParam: 50,
    maxDesigns: 256,
    vocab: 'gpt2',
  },
  {
    name: '31M',
    kind: 'paper',
    d: 256,
    nBlocks: 6,
    context: 2048,
    referenceParams: 4_709_376,
    tokensPerParam: 40,
    maxDesigns: 64,
    vocab: 'gpt2',
  },
  {
    name: '70M',
    kind: 'paper',
    d: 512,
    nBlocks: 6,
    context: 2048,
    referenceParams: 18_905_088,
    tokensPerParam: 30,
    maxDesigns: 16,
    vocab: 'gpt2',
  },
  {
    name: '125M',
    kind: 'paper',
    d: 768,
    nBlocks: 12,
    context: 2048,
    referenceParams: 84_953_088,
    tokensPerParam: 20,
    maxDesigns: 4,
    vocab: 'gpt2',
  },
  {
    name: '350M',
    kind: 'paper',
    d: 1024,
    nBlocks: 24,
    context: 2048,
    referenceParams: 301_842_432,
    tokensPerParam: 20,
    maxDesigns: 1,
    vocab: 'gpt2',
  },
];

/** Tokens in one optimiser step: laptop rungs fit two CPU cores, paper rungs a GPU. */
export const TOKENS_PER_STEP: Readonly<Record<Rung['kind'], number>> = {
  laptop: 1024,
  paper: 16_384,
};

/** The default training batch (sequences a step) at a rung, for a given context. */
export function defaultBatch(rung: Rung, context: number = rung.context): number {
  return Math.max(1, Math.round(TOKENS_PER_STEP[rung.kind] / context));
}

/** The smallest rung: the default for `verify`. */
export const SMALLEST_RUNG: Rung = RUNGS[0];

export class RungError extends Error {
  override readonly name = 'RungError';
}

/** The rung named `name`, with `overrides` applied; refuses unknown rungs, keys and mistyped values. */
export function resolveRung(name: string, overrides: Readonly<Record<string, unknown>> = {}): Rung {
  const base = RUNGS.find((r) => r.name.toLowerCase() === name.toLowerCase());
  if (!base) {
    throw new RungError(
      `unknown rung '${name}': choose one of ${RUNGS.map((r) => r.name).join(', ')}`,
    );
  }
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in base) || key === 'name') {
      throw new RungError(
        `unknown rung setting '${key}': known settings are ${Object.keys(base)
          .filter((k) => k !== 'name')
          .join(', ')}`,
      );
    }
    const want = typeof (base as unknown as Record<string, unknown>)[key];
    if (
      typeof value !== want ||
      (want === 'number' && !(Number.isFinite(value) && (value as number) > 0))
    ) {
      throw new RungError(
        `rung setting '${key}' must be a positive ${want}, got ${JSON.stringify(value)}`,
      );
    }
    out[key] = value;
  }
  return out as unknown as Rung;
}
