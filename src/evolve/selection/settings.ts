// The knobs of selection, each with Genesys's value as its default (reference-systems.md,
// "Selection"), and the check that refuses an unknown key or a mistyped value (nanoGPT's
// `Unknown config key`): a typo in a setting must not silently run the default.

export interface EvolveSettings {
  /** Share of proposals written from scratch (0 parents). Genesys: 5%. */
  readonly scratchRate: number;
  /** Share of proposals that cross two parents. Genesys: 15% (mutation takes the other 80%). */
  readonly crossoverRate: number;
  /** Crossover only once the tree holds this many viable designs (Genesys: 10): two parents
   *  need a population to differ. Below it the crossover share goes to mutation. */
  readonly crossoverAfter: number;
  /** Scratch only once the tree holds this many viable designs (Genesys: 20): the unit library
   *  must hold enough units to compose. Below it the scratch share goes to mutation. */
  readonly scratchAfter: number;
  /** Chance that a mutation restarts from a seed instead of a selected design (Genesys: 5%):
   *  keeps the search from collapsing onto one lineage. */
  readonly restartRate: number;
  /** Chance of exploring a poor or untried design instead of exploiting a good one (Genesys: 0.2). */
  readonly exploreRate: number;
  /** Top share of the ranked designs that counts as good (the exploit pool); the rest is poor. */
  readonly goodFraction: number;
  /** Each rung trains about this share of the designs ranked at the rung below (Genesys's
   *  256, 64, 16, 4, 1 narrowing: a quarter). */
  readonly promoteFraction: number;
  /** A rung promotes nobody before this many designs ranked there: a quarter of 1 is noise. */
  readonly promoteAfter: number;
  /** Chance that a promotion slot above the lowest rung goes to one of the poorer candidates
   *  rather than the best (Genesys promotes among good and poor designs; its explore rate 0.2). */
  readonly promoteExploreRate: number;
  /** Novelty: a proposal whose code equals a design of the tree up to names and layout, and
   *  differs in at most this many numeric constants, is refused as its near duplicate (0: only
   *  renamed or reformatted copies; a changed constant is a real edit). */
  readonly nearDuplicateNumbers: number;
  /** Weight of the LLM reviewer's rating in the ranking (Genesys ranks by Massey over the
   *  normalised scores plus the review rating), against 1 for each rung's fitness; 0: ignored. */
  readonly reviewWeight: number;
}

const DEFAULTS: EvolveSettings = {
  scratchRate: 0.05,
  crossoverRate: 0.15,
  crossoverAfter: 10,
  scratchAfter: 20,
  restartRate: 0.05,
  exploreRate: 0.2,
  goodFraction: 0.5,
  promoteFraction: 0.25,
  promoteAfter: 4,
  promoteExploreRate: 0.2,
  nearDuplicateNumbers: 0,
  reviewWeight: 0.5,
};

/** Which settings are probabilities in [0, 1]; the others are counts (non-negative integers). */
const RATES: ReadonlySet<keyof EvolveSettings> = new Set([
  'scratchRate',
  'crossoverRate',
  'restartRate',
  'exploreRate',
  'goodFraction',
  'promoteFraction',
  'reviewWeight',
  'promoteExploreRate',
]);

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Genesys's settings (a fresh copy). */
export function defaultSettings(): EvolveSettings {
  return { ...DEFAULTS };
}

function checkValue(key: keyof EvolveSettings, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SettingsError(
      `evolve setting '${key}' must be a number, got ${JSON.stringify(value)}`,
    );
  }
  if (RATES.has(key) && (value < 0 || value > 1)) {
    throw new SettingsError(
      `evolve setting '${key}' is a probability: give a number from 0 to 1, got ${value}`,
    );
  }
  if (!RATES.has(key) && (value < 0 || !Number.isInteger(value))) {
    throw new SettingsError(
      `evolve setting '${key}' is a count: give a whole number 0 or more, got ${value}`,
    );
  }
  return value;
}

/**
 * The defaults with `partial` applied. Refuses a non-object, an unknown key (naming the known
 * ones), a non-number, a rate outside [0, 1], a count that is not a whole number, and scratch plus
 * crossover rates over 1 (mutation would get a negative share).
 */
export function checkSettings(partial: unknown = {}): EvolveSettings {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new SettingsError(
      `evolve settings must be an object of named numbers, got ${JSON.stringify(partial)}`,
    );
  }
  const out: Record<string, number> = { ...DEFAULTS };
  for (const [key, value] of Object.entries(partial)) {
    if (!Object.hasOwn(DEFAULTS, key)) {
      throw new SettingsError(
        `unknown evolve setting '${key}': known settings are ${Object.keys(DEFAULTS).join(', ')}`,
      );
    }
    out[key] = checkValue(key as keyof EvolveSettings, value);
  }
  const s = out as unknown as EvolveSettings;
  if (s.scratchRate + s.crossoverRate > 1) {
    throw new SettingsError(
      `evolve settings scratchRate (${s.scratchRate}) + crossoverRate (${s.crossoverRate}) ` +
        'exceed 1: mutation takes the rest, so lower one of them',
    );
  }
  return s;
}
