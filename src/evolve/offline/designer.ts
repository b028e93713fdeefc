// The offline designer: needs no model. It proposes structured edits of designs in the tree:
// a mutation replaces one unit by a variant of the same role (or edits the unit's positional
// scheme or activation), a crossover takes a unit of one parent into the slot of the same role
// in another, and now and then a scratch design composes library units. Every proposal passes
// the static checks (and, for a mutation, the protection check) before it is returned.
import { checkStatic } from '../../verify/static';
import { isOk } from '../../verify/types';
import { normalisedText, parseBlock, readUnitTree } from '../../units/tree';
import { crossover, mutate } from '../operators';
import { blockParts, ctxType, unitRoles, type UnitRole } from './roles';
import { mulberry32 } from '../../gab/rng';
import { estimateParams, tunable } from './params';
import { scratch, type LibraryUnit } from './scratch';
import { pick, TRANSFORMS, variantsFor } from './variants';
import {
  instructionWords,
  steerChoices,
  targetRole,
  transformText,
  variantText,
  type Steer,
} from './steer';

export interface Proposal {
  readonly operator: 'mutate' | 'crossover' | 'scratch';
  /** Ids of the parent designs (none for scratch). */
  readonly parents: string[];
  /** The unit edited (mutate) or taken (crossover). */
  readonly unit?: string;
  readonly source: string;
  /** One paragraph: what changed, and why it may help. */
  readonly summary: string;
  /** The variant or transform used, e.g. 'gqa-kv1-base500'. */
  readonly variant?: string;
}

export interface ParentDesign {
  readonly id: string;
  readonly source: string;
}

export interface OfflineDesignerOptions {
  readonly rng: () => number;
  /** Chance of a crossover when there are two parents or more (default 0.2). */
  readonly crossoverRate?: number;
  /** Chance of a scratch design (default 0.1). */
  readonly scratchRate?: number;
  /** Candidates tried before giving up (default 12). */
  readonly maxTries?: number;
  /** Mutations only: the unit to edit and an instruction whose words pick the variant. */
  readonly steer?: Steer;
}

/** The rates that make the designer apply exactly `operator` (rather than draw one). */
export function ratesFor(
  operator: 'mutate' | 'crossover' | 'scratch',
): Pick<OfflineDesignerOptions, 'scratchRate' | 'crossoverRate'> {
  return {
    scratchRate: operator === 'scratch' ? 1 : 0,
    crossoverRate: operator === 'crossover' ? 1 : 0,
  };
}

export interface OfflineDesigner {
  propose(parents: readonly ParentDesign[], library: readonly LibraryUnit[]): Proposal;
}

/** The width variants are sized at (the smallest rung's). */
const SIZE_D = 48;

function fingerprint(source: string): string {
  const sf = parseBlock('block.ts', source);
  return normalisedText(sf, sf);
}

function mutation(parent: ParentDesign, rng: () => number, steer: Steer = {}): Proposal {
  const roles = unitRoles(parent.source);
  const target: UnitRole =
    steer.unit === undefined ? pick(rng, roles) : targetRole(roles, steer.unit, parent.id);
  const ctx = ctxType(parent.source);
  const parts = target.role === 'layout' ? blockParts(parent.source) : undefined;
  const input = { name: target.name, ctx, ...(parts ? { parts } : {}) };
  const { transforms, variants, transformRate } = steerChoices(
    target.role === 'norm' || target.role === 'layout' ? [] : TRANSFORMS,
    variantsFor(target.role),
    instructionWords(steer.instruction),
    { transform: (t) => transformText(t, target.text), variant: (v) => variantText(v, input) },
  );
  if (transforms.length > 0 && rng() < transformRate) {
    const t = pick(rng, transforms).apply(target.text, rng);
    if (t !== undefined) {
      return {
        operator: 'mutate',
        parents: [parent.id],
        unit: target.name,
        source: mutate(parent.source, target.name, t.text),
        variant: t.tag,
        summary: `Mutates unit '${target.name}' (${target.role}) of design ${parent.id}: ${t.summary}. Every other unit stays as in the parent.`,
      };
    }
  }
  const v = pick(rng, variants);
  if (target.role === 'layout' && parts === undefined) {
    throw new Error(`the root '${target.name}' of ${parent.id} has no mixer to lay out`);
  }
  // The same seed renders twice: once to measure, once sized like the unit it replaces.
  const seed = Math.floor(rng() * 2 ** 32);
  let r = v.render({ ...input, rng: mulberry32(seed) });
  if (target.role === 'mlp') {
    const before = estimateParams(parent.source, target.name, SIZE_D);
    const after = estimateParams(
      mutate(parent.source, target.name, r.text, r.helpers),
      target.name,
      SIZE_D,
    );
    if (before !== undefined && after !== undefined && after > 0) {
      const scale = Math.min(2, Math.max(0.25, before / after));
      r = v.render({ ...input, rng: mulberry32(seed), scale: Math.round(scale * 100) / 100 });
    }
  }
  return {
    operator: 'mutate',
    parents: [parent.id],
    unit: target.name,
    source: mutate(parent.source, target.name, r.text, r.helpers),
    variant: r.tag,
    summary: `Mutates unit '${target.name}' (${target.role}) of design ${parent.id} into ${r.summary}. Every other unit stays as in the parent; the edit is from the ${v.family} family of the offline variant library.`,
  };
}

function crossing(parents: readonly ParentDesign[], rng: () => number): Proposal {
  const a = pick(rng, parents);
  const b = pick(
    rng,
    parents.filter((p) => p !== a),
  );
  const rolesA = unitRoles(a.source).filter((r) => r.role === 'mixer' || r.role === 'mlp');
  const rolesB = unitRoles(b.source);
  const pairs = rolesA.flatMap((ra) =>
    rolesB.filter((rb) => rb.role === ra.role).map((rb) => [ra, rb] as const),
  );
  const [slot, taken] = pick(rng, pairs);
  return {
    operator: 'crossover',
    parents: [a.id, b.id],
    unit: taken.name,
    source: crossover(a.source, b.source, [taken.name], { [taken.name]: slot.name }),
    variant: `${b.id}.${taken.name}->${a.id}.${slot.name}`,
    summary: `Crosses ${a.id} with ${b.id}: the ${taken.role} '${taken.name}' of ${b.id} (with the units it calls and the hyperparameters it reads) replaces '${slot.name}' of ${a.id}, testing whether ${b.id}'s ${taken.role} works better in ${a.id}'s block.`,
  };
}

function fromScratch(
  parents: readonly ParentDesign[],
  library: readonly LibraryUnit[],
  rng: () => number,
): Proposal {
  const source = scratch(library, rng, { sources: parents.map((p) => p.source) });
  return {
    operator: 'scratch',
    parents: [],
    source,
    variant: 'scratch',
    summary:
      'A new design from scratch: a norm, a sequence mixer and a channel MLP drawn from the unit library (units of the tree and fresh variants), composed by a block layout, to explore a region of the design space no single parent leads to.',
  };
}

function passes(p: Proposal, parents: readonly ParentDesign[]): boolean {
  const parent = parents.find((q) => q.id === p.parents[0]);
  const opts =
    p.operator === 'mutate' && parent && p.unit !== undefined
      ? { parentSource: parent.source, editedUnit: p.unit }
      : {};
  return isOk(checkStatic('proposal.ts', p.source, opts));
}

/** An offline designer drawing every choice from `opts.rng` (deterministic for a seeded rng). */
export function offlineDesigner(opts: OfflineDesignerOptions): OfflineDesigner {
  const { rng } = opts;
  const crossRate = opts.crossoverRate ?? 0.2;
  const scratchRate = opts.scratchRate ?? 0.1;
  const tries = opts.maxTries ?? 12;
  return {
    propose(parents, library) {
      if (parents.length === 0) {
        throw new Error('offline designer: no parent design to start from; pass at least one');
      }
      const unit = opts.steer?.unit;
      if (unit !== undefined) {
        // A unit no variant fits fails the same way every try: say so at once.
        parents.forEach((p) => targetRole(unitRoles(p.source), unit, p.id));
      }
      const seen = new Set(parents.map((p) => fingerprint(p.source)));
      const why: string[] = [];
      for (let i = 0; i < tries; i++) {
        const r = rng();
        try {
          const p =
            r < scratchRate
              ? fromScratch(parents, library, rng)
              : r < scratchRate + crossRate && parents.length > 1
                ? crossing(parents, rng)
                : mutation(pick(rng, parents), rng, opts.steer);
          if (seen.has(fingerprint(p.source))) {
            why.push(`${p.variant ?? p.operator}: same as a parent`);
          } else if (tunable(p.source, readUnitTree('block.ts', p.source).root ?? '') === false) {
            why.push(`${p.variant ?? p.operator}: no depth brings its size within 20% of a rung's`);
          } else if (!passes(p, parents)) {
            why.push(`${p.variant ?? p.operator}: fails the static checks`);
          } else {
            return p;
          }
        } catch (err) {
          why.push(err instanceof Error ? err.message : String(err));
        }
      }
      throw new Error(
        `offline designer: no valid proposal in ${tries} tries (${why.slice(-3).join('; ')}); try other parents`,
      );
    },
  };
}
