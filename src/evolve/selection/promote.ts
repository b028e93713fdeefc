// Which designs train next, and where: Genesys's narrowing Ladder of Scales. Every viable design
// trains at the lowest rung first; a rung takes up about `promoteFraction` of the designs ranked
// at the rung below, best first, once `promoteAfter` ranked there; no rung trains more designs
// than its maxDesigns. The GPT seed trains at a rung as the reference every other design there is
// normalised against: it comes first and takes no slot. Pure: the loop runs what this returns.
import type { Rung } from '../../ladder/rungs';
import type { DesignRecord } from '../../store/types';
import { viable } from './choose';
import type { FitnessEntry, FitnessTable } from './fitness';
import type { EvolveSettings } from './settings';

export interface Promotion {
  readonly id: string;
  readonly rung: string;
  /** The GPT seed trained to normalise the rung against (takes none of the rung's slots). */
  readonly reference?: true;
}

/** A run at a design and rung now under way (it holds its slot; it is not proposed again). */
export interface RunningRun {
  readonly id: string;
  readonly rung: string;
}

/** A run that ended holds its slot for good; a stopped one is to be resumed, so it is proposed again. */
const done = (e: FitnessEntry | undefined, rung: string): boolean => {
  const s = e?.runs[rung];
  return s !== undefined && s !== 'stopped';
};

/** The designs that may train at rung `i`: never there yet, and (above the lowest) completed at i-1. */
function candidates(
  alive: readonly DesignRecord[],
  table: FitnessTable,
  rungs: readonly Rung[],
  i: number,
  busy: ReadonlySet<string>,
): DesignRecord[] {
  const name = rungs[i].name;
  return alive.filter((d) => {
    const e = table.get(d.id);
    if (busy.has(d.id) || done(e, name)) {
      return false;
    }
    return i === 0 || e?.byRung[rungs[i - 1].name] !== undefined;
  });
}

/** How many designs rung `i` may hold at all: its maxDesigns, and above the lowest a share of the rung below. */
function quota(
  alive: readonly DesignRecord[],
  table: FitnessTable,
  rungs: readonly Rung[],
  i: number,
  s: EvolveSettings,
): number {
  if (i === 0) {
    return rungs[0].maxDesigns;
  }
  const below = rungs[i - 1].name;
  const ranked = alive.filter((d) => {
    const e = table.get(d.id);
    return e !== undefined && !e.reference && e.byRung[below] !== undefined;
  }).length;
  if (ranked < Math.max(1, s.promoteAfter)) {
    return 0;
  }
  return Math.min(rungs[i].maxDesigns, Math.max(1, Math.ceil(ranked * s.promoteFraction)));
}

/** Best first at the rung below (`i` > 0); oldest first at the lowest rung, seeds before. */
function order(ds: DesignRecord[], table: FitnessTable, rungs: readonly Rung[], i: number): void {
  if (i === 0) {
    const seedFirst = (d: DesignRecord): number => (d.operator === 'seed' ? 0 : 1);
    ds.sort(
      (a, b) =>
        seedFirst(a) - seedFirst(b) ||
        a.createdAt.localeCompare(b.createdAt) ||
        a.id.localeCompare(b.id),
    );
    return;
  }
  const f = (d: DesignRecord): number => table.get(d.id)?.byRung[rungs[i - 1].name] ?? -Infinity;
  ds.sort((a, b) => f(b) - f(a) || a.id.localeCompare(b.id));
}

/**
 * `free` of `ranked` (best first): each slot takes the best left, or with probability
 * promoteExploreRate one of the others left, uniformly (Genesys promotes among good and poor
 * designs of low confidence, so a design that did poorly at a small scale still gets a chance).
 */
function explore(
  ranked: readonly DesignRecord[],
  free: number,
  s: EvolveSettings,
  rng: () => number,
): DesignRecord[] {
  const left = [...ranked];
  const out: DesignRecord[] = [];
  while (out.length < free && left.length > 0) {
    const k =
      left.length > 1 && rng() < s.promoteExploreRate
        ? 1 + Math.floor(rng() * (left.length - 1))
        : 0;
    out.push(...left.splice(Math.min(k, left.length - 1), 1));
  }
  return out;
}

/**
 * The runs to start, lowest rung first (cheap before expensive), each rung within its slots.
 * `rungs` in ladder order, smallest first (their maxDesigns are the budgets); `running`: runs
 * under way, which hold their slots. A design trains at one rung at a time. With `rng`, a slot
 * above the lowest rung goes to a poorer design with probability promoteExploreRate; without it,
 * best first.
 */
export function promotions(
  designs: readonly DesignRecord[],
  table: FitnessTable,
  rungs: readonly Rung[],
  settings: EvolveSettings,
  running: readonly RunningRun[] = [],
  rng?: () => number,
): Promotion[] {
  const alive = viable(designs);
  const busy = new Set(running.map((r) => r.id));
  const out: Promotion[] = [];
  rungs.forEach((rung, i) => {
    const isRef = (d: DesignRecord): boolean => table.get(d.id)?.reference === true;
    const used =
      alive.filter((d) => !isRef(d) && done(table.get(d.id), rung.name)).length +
      running.filter((r) => r.rung === rung.name && table.get(r.id)?.reference !== true).length;
    const free = Math.max(0, quota(alive, table, rungs, i, settings) - used);
    const pool = candidates(alive, table, rungs, i, busy);
    const picked = pool.filter((d) => !isRef(d));
    order(picked, table, rungs, i);
    const chosen =
      i > 0 && rng !== undefined ? explore(picked, free, settings, rng) : picked.slice(0, free);
    const ref = pool.find(isRef);
    // the reference trains only where someone else will be measured against it
    if (ref && chosen.length > 0) {
      out.push({ id: ref.id, rung: rung.name, reference: true });
      busy.add(ref.id);
    }
    for (const d of chosen) {
      out.push({ id: d.id, rung: rung.name });
      busy.add(d.id);
    }
  });
  return out;
}

/**
 * The order the loop starts runs in: highest rung first, so a promoted design moves up as soon as
 * its rung's budget allows instead of after every design waiting at the rungs below. Stable: a
 * rung's reference stays ahead of the designs measured against it. `rungs`: names, smallest first.
 */
export function highestFirst(ps: readonly Promotion[], rungs: readonly string[]): Promotion[] {
  const at = new Map(rungs.map((n, i) => [n, i]));
  return [...ps].sort((a, b) => (at.get(b.rung) ?? 0) - (at.get(a.rung) ?? 0));
}
