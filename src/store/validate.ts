// Checks of what callers hand the store, with errors that say which field is wrong and what to
// pass instead, and the id stem a new design gets from its parent.
import { ID_PATTERN } from './folders';
import {
  DESIGN_OPERATORS,
  DESIGN_STATUSES,
  type DesignPatch,
  type DesignRecord,
  type NewDesign,
} from './types';

function checkStatus(where: string, status: unknown): void {
  if (!DESIGN_STATUSES.includes(status as DesignRecord['status'])) {
    throw new Error(
      `${where}: status ${JSON.stringify(status)} is not one of ${DESIGN_STATUSES.join(', ')}`,
    );
  }
}

/** Throws unless `rec` can be added with `source`; `exists` says whether a parent id is stored. */
export function checkNew(source: string, rec: NewDesign, exists: (id: string) => boolean): void {
  const where = `cannot add design${rec.id === undefined ? '' : ` '${rec.id}'`}`;
  if (typeof source !== 'string' || source.trim() === '') {
    throw new Error(`${where}: its block source is empty; pass the block file's text`);
  }
  if (rec.id !== undefined && !ID_PATTERN.test(rec.id)) {
    throw new Error(
      `${where}: the id must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  if (!DESIGN_OPERATORS.includes(rec.operator)) {
    throw new Error(
      `${where}: operator ${JSON.stringify(rec.operator)} is not one of ${DESIGN_OPERATORS.join(', ')}`,
    );
  }
  checkStatus(where, rec.status);
  const missing = rec.parents.filter((p) => !exists(p));
  if (missing.length > 0) {
    throw new Error(
      `${where}: parent(s) ${missing.join(', ')} are not in the store; add the parents first`,
    );
  }
}

export function checkPatch(id: string, patch: DesignPatch): void {
  if (patch.status !== undefined) {
    checkStatus(`cannot update design '${id}'`, patch.status);
  }
  if (patch.operator !== undefined && !DESIGN_OPERATORS.includes(patch.operator)) {
    throw new Error(
      `cannot update design '${id}': operator ${JSON.stringify(patch.operator)} is unknown`,
    );
  }
}

/** The record with its fields in a stable order and no undefined values (so JSON round-trips). */
export function cleanRecord(rec: NewDesign & { id: string; createdAt: string }): DesignRecord {
  const { id, parents, operator, status, createdAt, ...rest } = rec;
  const out: DesignRecord = { id, parents: [...parents], operator, status, createdAt };
  for (const [k, v] of Object.entries(rest)) {
    if (v !== undefined) {
      (out as unknown as Record<string, unknown>)[k] = structuredClone(v);
    }
  }
  return out;
}

/** The readable part of a new id: the first parent's id without its -<n>, else the operator. */
export function idStem(rec: NewDesign): string {
  const parent = rec.parents.at(0);
  const stem = parent === undefined ? rec.operator : parent.replace(/(-\d+)+$/, '');
  return (
    stem
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '-')
      .slice(0, 40) || 'design'
  );
}
