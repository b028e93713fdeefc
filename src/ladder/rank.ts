// The narrowing ladder's judgement, as pure functions of run results (no training here): fitness
// normalised against the GPT seed at the same rung, the ranking of a rung, how many designs go up
// to the next rung, and the final ranking across rungs (a higher rung reached counts first).

/** How a design's run at a rung ended. */
export type EntryStatus = 'completed' | 'diverged' | 'invalid' | 'failed' | 'stopped';

/** One probe's score as the ladder shows it. */
export interface ProbeLite {
  readonly name: string;
  readonly accuracy: number;
  readonly chance: number;
}

/** One design's result at one rung (from its report.json, or from how its trainer ended). */
export interface RungEntry {
  /** The design's id (its run folder's name). */
  readonly design: string;
  readonly blockPath: string;
  /** The GPT seed trained only to normalise against: shown, never ranked or promoted. */
  readonly reference: boolean;
  /** The design is the GPT seed (the reference, or a design given that is the seed). */
  readonly isGpt: boolean;
  readonly status: EntryStatus;
  /** The result came from an earlier completed run (runs that finished are never repeated). */
  readonly reused: boolean;
  /** Why it failed, diverged or stopped; or a note on a reused run. */
  readonly message?: string;
  readonly valLoss?: number;
  readonly bitsPerByte?: number;
  readonly steps?: number;
  readonly tokensPerSec?: number;
  readonly wallMs?: number;
  readonly probes?: readonly ProbeLite[];
  /** tokens/s over the GPT seed's (report.json's speed, or the reference's run at this rung). */
  readonly speedVsGpt?: number;
  /** Over 3x slower than the GPT seed. */
  readonly slow?: boolean;
  /** The run folder's report.json, when there is one. */
  readonly report?: string;
}

/** An entry with its scores; rank and promotion for the ranked designs. */
export interface ScoredEntry extends RungEntry {
  /** valLoss over the normalising reference's (below 1: better than it). */
  readonly lossVsGpt?: number;
  /** Probe skill over the reference's: (1 + mean skill) / (1 + the reference's mean skill). */
  readonly probesVsGpt?: number;
  /** Higher is better; the reference scores 1. */
  readonly fitness?: number;
  /** 1-based, for completed non-reference designs. */
  readonly rank?: number;
  readonly promoted: boolean;
}

/** Weight of the probe score in the fitness when probes ran (the rest is validation loss). */
export const PROBE_WEIGHT = 0.25;
/** Each rung promotes about this fraction of its ranked designs (Genesys: 256, 64, 16, 4, 1). */
export const PROMOTE_FRACTION = 0.25;

/** Skill above chance in [0, 1]: 0 at chance or below, 1 at perfect accuracy. */
export function skill(p: ProbeLite): number {
  if (!(p.chance < 1) || !Number.isFinite(p.accuracy)) {
    return 0;
  }
  return Math.min(1, Math.max(0, (p.accuracy - p.chance) / (1 - p.chance)));
}

const meanSkill = (ps: readonly ProbeLite[], names: ReadonlySet<string>): number => {
  const kept = ps.filter((p) => names.has(p.name));
  return kept.length === 0 ? 0 : kept.reduce((a, p) => a + skill(p), 0) / kept.length;
};

const isScorable = (e: RungEntry): boolean =>
  e.status === 'completed' && e.valLoss !== undefined && Number.isFinite(e.valLoss);

/**
 * The entry every other is normalised against: the GPT seed when it completed, else (so a rung
 * whose reference failed can still rank) the completed design with the lowest validation loss.
 */
export function normaliser(entries: readonly RungEntry[]): RungEntry | undefined {
  const done = entries.filter(isScorable);
  const gpt = done.find((e) => e.isGpt);
  if (gpt) {
    return gpt;
  }
  return done.reduce<RungEntry | undefined>(
    (best, e) => (!best || (e.valLoss ?? Infinity) < (best.valLoss ?? Infinity) ? e : best),
    undefined,
  );
}

/** Fitness of `e` against `ref` (both completed): loss ratio, blended with probes when both have them. */
export function fitnessOf(
  e: RungEntry,
  ref: RungEntry,
): Pick<ScoredEntry, 'lossVsGpt' | 'probesVsGpt' | 'fitness'> {
  const lossVsGpt = (e.valLoss ?? NaN) / (ref.valLoss ?? NaN);
  const lossScore = 1 / lossVsGpt;
  const common = new Set((e.probes ?? []).map((p) => p.name));
  const refNames = new Set((ref.probes ?? []).map((p) => p.name).filter((n) => common.has(n)));
  if (refNames.size === 0) {
    return { lossVsGpt, fitness: lossScore };
  }
  const probesVsGpt =
    (1 + meanSkill(e.probes ?? [], refNames)) / (1 + meanSkill(ref.probes ?? [], refNames));
  return {
    lossVsGpt,
    probesVsGpt,
    fitness: (1 - PROBE_WEIGHT) * lossScore + PROBE_WEIGHT * probesVsGpt,
  };
}

/** How many of `ranked` designs go up to a rung that may train `nextMax`: a quarter, 1 at least. */
export function promotionCount(ranked: number, nextMax: number): number {
  if (ranked <= 0 || nextMax <= 0) {
    return 0;
  }
  return Math.min(nextMax, ranked, Math.max(1, Math.ceil(ranked * PROMOTE_FRACTION)));
}

const byFitness = (a: ScoredEntry, b: ScoredEntry): number =>
  (b.fitness ?? -Infinity) - (a.fitness ?? -Infinity) ||
  (a.valLoss ?? Infinity) - (b.valLoss ?? Infinity) ||
  a.design.localeCompare(b.design);

const STATUS_ORDER: Readonly<Record<EntryStatus, number>> = {
  completed: 0,
  stopped: 1,
  diverged: 2,
  invalid: 3,
  failed: 4,
};

/**
 * A rung's leaderboard: ranked designs by fitness (best first), then the reference, then the
 * designs that did not complete. `nextMax`: the next rung's maxDesigns (0 at the last rung).
 */
export function scoreRung(entries: readonly RungEntry[], nextMax: number): ScoredEntry[] {
  const ref = normaliser(entries);
  const scored = entries.map((e): ScoredEntry => ({
    ...e,
    ...(ref && isScorable(e) ? fitnessOf(e, ref) : {}),
    promoted: false,
  }));
  const ranked = scored.filter((e) => !e.reference && isScorable(e)).sort(byFitness);
  const promote = promotionCount(ranked.length, nextMax);
  const out: ScoredEntry[] = ranked.map((e, i) => ({ ...e, rank: i + 1, promoted: i < promote }));
  out.push(...scored.filter((e) => e.reference && isScorable(e)));
  const rest = scored.filter((e) => !isScorable(e));
  rest.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
  out.push(...rest);
  return out;
}

/** One rung's scored leaderboard, as the ladder records it. */
export interface RungResult {
  readonly rung: string;
  readonly entries: readonly ScoredEntry[];
}

/** A design's place in the final ranking. */
export interface FinalPlace {
  readonly design: string;
  /** The highest rung it completed (undefined: none) and its fitness and loss there. */
  readonly highestRung?: string;
  readonly fitness?: number;
  readonly valLoss?: number;
  /** Its status at the last rung it was trained at. */
  readonly status: EntryStatus;
  readonly message?: string;
}

/**
 * The ranking over the whole ladder: the designs that completed a higher rung first (confidence
 * grows with the rung reached), by fitness there; the designs that never completed last.
 * `rungs` is in ladder order, smallest first; the reference is left out.
 */
export function finalRanking(rungs: readonly RungResult[]): FinalPlace[] {
  const places = new Map<string, FinalPlace>();
  /** Index of the highest rung each design completed (-1: none). */
  const level = new Map<string, number>();
  rungs.forEach((r, i) => {
    for (const e of r.entries) {
      if (e.reference) {
        continue;
      }
      const before = places.get(e.design);
      const note = e.message !== undefined ? { message: e.message } : {};
      if (e.status === 'completed' && e.fitness !== undefined) {
        level.set(e.design, i);
        const at = { highestRung: r.rung, fitness: e.fitness, valLoss: e.valLoss };
        places.set(e.design, { design: e.design, status: e.status, ...note, ...at });
      } else if (before?.highestRung !== undefined) {
        places.set(e.design, { ...before, status: e.status, ...note });
      } else {
        level.set(e.design, -1);
        places.set(e.design, { design: e.design, status: e.status, ...note });
      }
    }
  });
  const lv = (p: FinalPlace): number => level.get(p.design) ?? -1;
  return [...places.values()].sort(
    (a, b) =>
      lv(b) - lv(a) ||
      (b.fitness ?? -Infinity) - (a.fitness ?? -Infinity) ||
      a.design.localeCompare(b.design),
  );
}
