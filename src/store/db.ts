// .blocksmith/db.json through lowdb (ESM-only, so loaded with import()), with an adapter that
// writes atomically and durably. A db.json that is unparsable or of another schema version is
// kept aside as db.json.corrupt-<time> and the caller rebuilds the index from the folders.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { Low } from 'lowdb';
import { stamp, writeAtomic } from './atomic';
import { emptyDb, SCHEMA_VERSION, type DbShape } from './types';

/** lowdb adapter: JSON read as is (parse errors thrown), written by temp file + fsync + rename. */
class AtomicJsonFile {
  constructor(private readonly path: string) {}

  read(): Promise<DbShape | null> {
    if (!existsSync(this.path)) {
      return Promise.resolve(null);
    }
    return Promise.resolve(JSON.parse(readFileSync(this.path, 'utf8')) as DbShape);
  }

  write(data: DbShape): Promise<void> {
    writeAtomic(this.path, JSON.stringify(data, null, 1) + '\n');
    return Promise.resolve();
  }
}

export interface OpenedDb {
  readonly db: Low<DbShape>;
  /** Why the index must be rebuilt from the folders, or undefined when it loaded fine. */
  readonly rebuild: string | undefined;
  /** Where an unusable db.json was moved, if it was. */
  readonly keptAt: string | undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why `data` is not a usable index of this schema, or undefined if it is. */
function shapeProblem(data: unknown): string | undefined {
  if (!isObject(data)) {
    return 'was not a JSON object';
  }
  if (data.version !== SCHEMA_VERSION) {
    return `had schema version ${JSON.stringify(data.version)}, this Blocksmith reads ${SCHEMA_VERSION}`;
  }
  const maps = ['designs', 'removed', 'units', 'budgets'] as const;
  if (typeof data.nextSeq !== 'number' || maps.some((k) => !isObject(data[k]))) {
    return 'lacked nextSeq, designs, removed, units or budgets';
  }
  return undefined;
}

/**
 * Opens db.json. A missing, unparsable or wrong-version file yields an empty index and a reason
 * to rebuild; an existing unusable file is kept as db.json.corrupt-<time> (unless `readOnly`).
 */
export async function openDb(path: string, readOnly: boolean): Promise<OpenedDb> {
  const { Low } = await import('lowdb');
  const db = new Low<DbShape>(new AtomicJsonFile(path), emptyDb());
  let problem: string | undefined;
  try {
    await db.read();
    problem = existsSync(path) ? shapeProblem(db.data) : 'was missing';
  } catch (err) {
    problem = `was not valid JSON (${(err as Error).message})`;
  }
  if (problem === undefined) {
    return { db, rebuild: undefined, keptAt: undefined };
  }
  db.data = emptyDb();
  let keptAt: string | undefined;
  if (existsSync(path) && !readOnly) {
    keptAt = `${path}.corrupt-${stamp()}`;
    renameSync(path, keptAt);
  }
  return { db, rebuild: problem, keptAt };
}
