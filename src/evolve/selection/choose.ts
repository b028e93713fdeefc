// What to propose next, as Genesys's genetic programming does: an operator drawn from the mix
// (scratch 0 parents 5%, mutation 1 parent 80%, crossover 2 parents 15%; crossover only once the
// tree holds 10 viable designs, scratch 20), a mutation restarting from a seed 5% of the time,
// and parents chosen by exploiting good designs or, with probability 0.2, exploring poor ones.
// Pure and seeded: the same tree, table and rng stream give the same action.
import type { DesignRecord, DesignStatus } from '../../store/types';
import type { FitnessTable } from './fitness';
import type { EvolveSettings } from './settings';

export type Operator = 'mutate' | 'crossover' | 'scratch';

/** Why the parents were chosen (for logs and the review queue). */
export type Choice = 'exploit' | 'explore' | 'restart' | 'scratch';

export interface Action {
  readonly operator: Operator;
  /** Parent ids: none for scratch, one for mutate, two distinct for crossover. */
  readonly parents: string[];
  /** How the first parent was picked (the second parent of a crossover is always explored). */
  readonly choice: Choice;
}

/** Designs that passed verification and were not thrown away: the only ones that breed. */
export const PARENT_STATUSES: readonly DesignStatus[] = [
  'verified',
  'queued',
  'training',
  'trained',
];

export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

/** The designs that may be parents (seeds included), in the order given. */
export function viable(designs: readonly DesignRecord[]): DesignRecord[] {
  return designs.filter((d) => PARENT_STATUSES.includes(d.status));
}

/**
 * The exploit and explore pools: designs with a fitness ranked as Genesys ranks (the Massey rating
 * over every rung's fitness and the review rating; then confidence, fitness, id), the top
 * `goodFraction` good (1 at least), the rest plus the designs never trained poor. An untrained
 * design is unknown, so it is worth exploring.
 */
export function pools(
  designs: readonly DesignRecord[],
  table: FitnessTable,
  goodFraction: number,
): { good: string[]; poor: string[] } {
  const scored = designs.filter((d) => table.get(d.id)?.fitness !== undefined);
  const ranked = scored
    .map((d) => ({ id: d.id, e: table.get(d.id)! }))
    .sort(
      (a, b) =>
        (b.e.rating ?? -Infinity) - (a.e.rating ?? -Infinity) ||
        b.e.confidence - a.e.confidence ||
        (b.e.fitness ?? 0) - (a.e.fitness ?? 0) ||
        a.id.localeCompare(b.id),
    )
    .map((x) => x.id);
  const nGood = ranked.length === 0 ? 0 : Math.max(1, Math.round(ranked.length * goodFraction));
  const unscored = designs.filter((d) => !scored.includes(d)).map((d) => d.id);
  return { good: ranked.slice(0, nGood), poor: [...ranked.slice(nGood), ...unscored] };
}

/** One of `xs` uniformly. */
function uniform<T>(xs: readonly T[], rng: () => number): T {
  return xs[Math.min(xs.length - 1, Math.floor(rng() * xs.length))];
}

/** One of `ranked` (best first), the better the likelier: weights n, n-1, ..., 1. */
function rankWeighted<T>(ranked: readonly T[], rng: () => number): T {
  const n = ranked.length;
  let u = rng() * ((n * (n + 1)) / 2);
  for (let i = 0; i < n; i++) {
    u -= n - i;
    if (u < 0) {
      return ranked[i];
    }
  }
  return ranked[n - 1];
}

/** The operator from the mix; a share whose threshold is not reached goes to mutation. */
function drawOperator(n: number, rng: () => number, s: EvolveSettings): Operator {
  const u = rng();
  if (n >= s.scratchAfter && u < s.scratchRate) {
    return 'scratch';
  }
  if (n >= Math.max(2, s.crossoverAfter) && u >= 1 - s.crossoverRate) {
    return 'crossover';
  }
  return 'mutate';
}

/** A parent by exploit (rank-weighted among the good) or explore (uniform among the poor). */
function pickParent(
  p: { good: string[]; poor: string[] },
  rng: () => number,
  s: EvolveSettings,
): { id: string; choice: 'exploit' | 'explore' } {
  const explore = rng() < s.exploreRate;
  if ((explore && p.poor.length > 0) || p.good.length === 0) {
    return { id: uniform(p.poor, rng), choice: 'explore' };
  }
  return { id: rankWeighted(p.good, rng), choice: 'exploit' };
}

/**
 * The next proposal's operator and parents. Seeds count as designs. Throws a SelectionError when
 * no design may be a parent (a workspace with no verified design: initialise it with seeds).
 */
export function chooseAction(
  designs: readonly DesignRecord[],
  table: FitnessTable,
  rng: () => number,
  settings: EvolveSettings,
): Action {
  const alive = viable(designs);
  if (alive.length === 0) {
    throw new SelectionError(
      `no design can be a parent: none of ${designs.length} design(s) is ${PARENT_STATUSES.join('/')}; ` +
        'run `blocksmith init` to add the seeds, or accept a design in the review queue',
    );
  }
  const operator = drawOperator(alive.length, rng, settings);
  if (operator === 'scratch') {
    return { operator, parents: [], choice: 'scratch' };
  }
  const seeds = alive.filter((d) => d.operator === 'seed');
  if (operator === 'mutate' && seeds.length > 0 && rng() < settings.restartRate) {
    return { operator, parents: [uniform(seeds, rng).id], choice: 'restart' };
  }
  const p = pools(alive, table, settings.goodFraction);
  const first = pickParent(p, rng, settings);
  if (operator === 'mutate') {
    return { operator, parents: [first.id], choice: first.choice };
  }
  // the second parent: any other viable design, uniformly, so crossovers mix lineages
  const others = alive.filter((d) => d.id !== first.id);
  return { operator, parents: [first.id, uniform(others, rng).id], choice: first.choice };
}
