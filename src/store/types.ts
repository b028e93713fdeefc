// The design store's data model: one record per design (design.json holds it beside block.ts;
// .blocksmith/db.json indexes it), the unit library's entries, and the notes an open reports.

export type DesignStatus =
  | 'proposed'
  | 'pending-review'
  | 'rejected'
  | 'invalid'
  | 'verified'
  | 'queued'
  | 'training'
  | 'trained'
  | 'failed';

export const DESIGN_STATUSES: readonly DesignStatus[] = [
  'proposed',
  'pending-review',
  'rejected',
  'invalid',
  'verified',
  'queued',
  'training',
  'trained',
  'failed',
];

export type DesignOperator = 'seed' | 'mutate' | 'crossover' | 'scratch' | 'manual';

export const DESIGN_OPERATORS: readonly DesignOperator[] = [
  'seed',
  'mutate',
  'crossover',
  'scratch',
  'manual',
];

export interface DesignRecord {
  /** The folder name under designs/: short, readable, never reused. */
  id: string;
  parents: string[];
  operator: DesignOperator;
  /** The unit a mutation edited. */
  unit?: string;
  summary?: string;
  proposal?: unknown;
  review?: unknown;
  verification?: unknown;
  costs?: { tokens: number; usd: number };
  status: DesignStatus;
  /** Fitness by rung name. */
  fitness?: Record<string, number>;
  /** ISO time. */
  createdAt: string;
}

/** What add() takes: a record without its stamp; the id is chosen unless given. */
export type NewDesign = Omit<DesignRecord, 'id' | 'createdAt'> & { id?: string };

/** What update() takes: any field but the identity. */
export type DesignPatch = Partial<Omit<DesignRecord, 'id' | 'createdAt'>>;

/** One unit of the unit library: every distinct unit text ever stored. */
export interface UnitEntry {
  readonly name: string;
  /** The unit's normalised text (src/units/tree.ts normalisedText). */
  readonly text: string;
  /** sha256 (hex) of `text`. */
  readonly hash: string;
  /** Ids of the designs holding this exact unit, sorted. */
  readonly designs: readonly string[];
}

export type StoreNoteKind =
  | 'index-rebuilt'
  | 'index-updated'
  | 'imported'
  | 'repaired'
  | 'changed-by-hand'
  | 'removed-by-hand'
  | 'orphan'
  | 'not-a-design'
  | 'lock-taken-over';

/** One thing open() found and what it did about it. */
export interface StoreNote {
  readonly kind: StoreNoteKind;
  readonly id?: string;
  /** The file or folder concerned, absolute. */
  readonly path?: string;
  readonly message: string;
}

/** The index's own schema version; a db.json of another version is rebuilt from the folders. */
export const SCHEMA_VERSION = 1;

/** One design in the index: its record and what is derived from its block.ts. */
export interface IndexedDesign {
  record: DesignRecord;
  /** sha256 of block.ts as written: a different hash on open means it was edited by hand. */
  blockSha256: string;
  /** sha256 of the normalised file (fingerprint.ts): equal fingerprints mean duplicates. */
  fingerprint: string;
  /** Unit name -> sha256 of its normalised text (a key of DbShape.units). */
  units: Record<string, string>;
}

/** .blocksmith/db.json. */
export interface DbShape {
  version: number;
  /** The next id counter: ids end in -<n>, n never reused. */
  nextSeq: number;
  designs: Record<string, IndexedDesign>;
  /** Designs whose folder was deleted by hand: their records are kept, their ids never reused. */
  removed: Record<string, DesignRecord>;
  /** The unit library's texts by hash. */
  units: Record<string, { name: string; text: string }>;
  /** Budgets of runs (owned by the evolution loop; kept as given). */
  budgets: Record<string, unknown>;
}

export function emptyDb(): DbShape {
  return { version: SCHEMA_VERSION, nextSeq: 1, designs: {}, removed: {}, units: {}, budgets: {} };
}

/** `map[key]` if it is the map's own entry ('constructor' is a valid id, not Object's). */
export function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
