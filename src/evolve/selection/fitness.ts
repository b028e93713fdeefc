// Fitness as Genesys judges it: each run's validation loss and probe scores normalised against the
// GPT seed at the same rung (src/ladder/rank.ts fitnessOf, so the ladder and evolution agree), and
// a confidence that grows with the highest rung a design completed (Genesys: 1 to 5 over its five
// rungs; here 1 per rung of the ladder given, smallest first), and Genesys's ranking: a Massey
// rating over the fitness at every rung plus the LLM reviewer's rating where one rated.
// Pure: results come in, a table out.
import { RUNGS } from '../../ladder/rungs';
import { fitnessOf, normaliser, type EntryStatus, type ProbeLite } from '../../ladder/rank';
import type { RunReport } from '../../train/report';
import type { DesignRecord } from '../../store/types';
import { masseyRatings, spread } from './massey';

/** What selection needs of one design's run at one rung (from its report.json or its failure). */
export interface RunResult {
  readonly status: EntryStatus;
  readonly valLoss?: number;
  readonly probes?: readonly ProbeLite[];
}

/** Results by design id, then by rung name. */
export type RunResults = Readonly<
  Partial<Record<string, Readonly<Partial<Record<string, RunResult>>>>>
>;

export interface FitnessEntry {
  /** Fitness at `rung` (higher is better; the GPT seed scores 1); undefined: never completed. */
  readonly fitness: number | undefined;
  /** 1 + the index of `rung` in the ladder (0: no rung completed). */
  readonly confidence: number;
  /** The highest rung completed. */
  readonly rung: string | undefined;
  /** Fitness at every rung completed. */
  readonly byRung: Readonly<Partial<Record<string, number>>>;
  /** How each run ended, by rung ('stopped' runs are to be resumed, the others are done). */
  readonly runs: Readonly<Partial<Record<string, EntryStatus>>>;
  /** The design is the GPT seed every rung normalises against: never ranked or promoted. */
  readonly reference: boolean;
  /** Massey rating over the fitness at every rung and the reviewer's rating (massey.ts), as
   *  Genesys ranks; undefined when the design met no other on any criterion. */
  readonly rating?: number;
  /** The LLM reviewer's rating 1-5, when one rated the proposal. */
  readonly review?: number;
}

export type FitnessTable = ReadonlyMap<string, FitnessEntry>;

export interface FitnessOptions {
  /** Rung names in ladder order, smallest first (default: every rung of RUNGS). */
  readonly rungs?: readonly string[];
  /** Id of the GPT seed's design (default: a seed whose id names GPT, e.g. 'gpt2'). */
  readonly reference?: string;
  /** Weight of the reviewer's rating in the Massey ranking against the lowest rung's fitness
   *  (each rung weighs 1, 2, 3... up the ladder; default 0.5; 0: ratings do not count). */
  readonly reviewWeight?: number;
}

/** The reviewer's rating 1-5 of a design's proposal (the LLM designer's, or one set by hand). */
export function reviewRating(d: DesignRecord): number | undefined {
  const pick = (v: unknown): number | undefined => {
    const r = (v as { rating?: unknown } | undefined)?.rating;
    return typeof r === 'number' && r >= 1 && r <= 5 ? r : undefined;
  };
  const detail = (d.proposal as { detail?: { review?: unknown } } | undefined)?.detail;
  return pick(detail?.review) ?? pick(d.review);
}

/** The GPT seed's design id among `designs`, when there is one. */
export function referenceId(designs: readonly DesignRecord[]): string | undefined {
  return designs.find((d) => d.operator === 'seed' && /gpt/i.test(d.id))?.id;
}

/** A report's number (non-finite ones are stored as strings: "NaN", "Infinity"). */
function num(v: unknown): number | undefined {
  if (typeof v === 'number') {
    return v;
  }
  return typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined;
}

/** The part of a run's report.json that selection reads. */
export function resultFromReport(r: RunReport): RunResult {
  return {
    status: r.status,
    valLoss: num(r.final.valLoss) ?? NaN,
    probes: r.probes.map((p) => ({
      name: p.name,
      accuracy: num(p.accuracy) ?? NaN,
      chance: num(p.chance) ?? 0,
    })),
  };
}

/** The result of `id` at `rung`; own keys only, so a design named 'constructor' is no prototype's. */
function resultAt(results: RunResults, id: string, rung: string): RunResult | undefined {
  const byRung = Object.hasOwn(results, id) ? results[id] : undefined;
  return byRung !== undefined && Object.hasOwn(byRung, rung) ? byRung[rung] : undefined;
}

const completed = (r: RunResult | undefined): boolean =>
  r?.status === 'completed' && r.valLoss !== undefined && Number.isFinite(r.valLoss);

/** Fitness of every completed run at `rung`, normalised against the reference's run there. */
function rungFitness(
  rung: string,
  ids: readonly string[],
  results: RunResults,
  ref: string | undefined,
): Map<string, number> {
  const entries = ids
    .map((id) => ({ id, r: resultAt(results, id, rung) }))
    .filter((x): x is { id: string; r: RunResult } => completed(x.r))
    .map(({ id, r }) => ({
      design: id,
      blockPath: '',
      reference: id === ref,
      isGpt: id === ref,
      reused: false,
      ...r,
    }));
  const norm = normaliser(entries);
  const out = new Map<string, number>();
  for (const e of entries) {
    const f = norm ? fitnessOf(e, norm).fitness : undefined;
    if (f !== undefined && Number.isFinite(f)) {
      out.set(e.design, f);
    }
  }
  return out;
}

/**
 * Each design's fitness and confidence. A rung with no result for a design falls back on the
 * fitness its record stored for that rung (record.fitness), so a table survives lost run folders.
 */
export function fitnessTable(
  designs: readonly DesignRecord[],
  results: RunResults,
  opts: FitnessOptions = {},
): Map<string, FitnessEntry> {
  const rungs = opts.rungs ?? RUNGS.map((r) => r.name);
  const ref = opts.reference ?? referenceId(designs);
  const ids = designs.map((d) => d.id);
  const perRung = rungs.map((rung) => rungFitness(rung, ids, results, ref));
  const table = new Map<string, FitnessEntry>();
  for (const d of designs) {
    const byRung: Partial<Record<string, number>> = {};
    const runs: Partial<Record<string, EntryStatus>> = {};
    let top = -1;
    rungs.forEach((rung, i) => {
      const r = resultAt(results, d.id, rung);
      const stored =
        d.fitness !== undefined && Object.hasOwn(d.fitness, rung) ? d.fitness[rung] : undefined;
      const f = perRung[i].get(d.id) ?? (r === undefined ? stored : undefined);
      if (r !== undefined) {
        runs[rung] = r.status;
      } else if (f !== undefined) {
        runs[rung] = 'completed';
      }
      if (f !== undefined && Number.isFinite(f)) {
        byRung[rung] = f;
        top = i;
      }
    });
    const rung = top >= 0 ? rungs[top] : undefined;
    const review = reviewRating(d);
    table.set(d.id, {
      fitness: rung !== undefined ? byRung[rung] : undefined,
      confidence: top + 1,
      rung,
      byRung,
      runs,
      reference: d.id === ref,
      ...(review !== undefined ? { review } : {}),
    });
  }
  return withRatings(table, rungs, opts.reviewWeight ?? 0.5);
}

/** Adds the Massey rating of every design with a fitness (the others stay unrated). */
function withRatings(
  table: Map<string, FitnessEntry>,
  rungs: readonly string[],
  reviewWeight: number,
): Map<string, FitnessEntry> {
  const scored = [...table].filter(([, e]) => e.fitness !== undefined).map(([id]) => id);
  const criterion = (get: (e: FitnessEntry) => number | undefined, weight: number) => ({
    weight,
    scores: new Map(
      scored.flatMap((id) => {
        const v = get(table.get(id)!);
        return v === undefined ? [] : [[id, v] as [string, number]];
      }),
    ),
  });
  // Ratings 1-5 brought to fitness units: one standard deviation of the reviews counts as one
  // of the fitness values (pooled over the rungs), times reviewWeight.
  const fit = scored.flatMap((id) => Object.values(table.get(id)!.byRung) as number[]);
  const reviews = scored.flatMap((id) => table.get(id)!.review ?? []);
  const unit = spread(reviews) > 0 ? spread(fit) / spread(reviews) : 0;
  const ratings = masseyRatings(scored, [
    // a rung's games weigh its place on the ladder: results at a larger scale say more
    ...rungs.map((rung, i) => criterion((e) => e.byRung[rung], i + 1)),
    criterion((e) => (e.review === undefined ? undefined : e.review * unit), reviewWeight),
  ]);
  for (const [id, rating] of ratings) {
    table.set(id, { ...table.get(id)!, rating });
  }
  return table;
}
