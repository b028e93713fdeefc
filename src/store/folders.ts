// The design folders, the store's truth: designs/<id>/block.ts + design.json. A new design is
// written into designs/.staging-<id>/ (block.ts, then design.json last, each fsynced) and the
// folder is renamed into place, so a crash never leaves a half-written folder under a real id.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir, writeAtomic, writeDurable } from './atomic';
import {
  DESIGN_OPERATORS,
  DESIGN_STATUSES,
  SCHEMA_VERSION,
  type DesignOperator,
  type DesignRecord,
  type DesignStatus,
} from './types';

export const BLOCK_FILE = 'block.ts';
export const DESIGN_FILE = 'design.json';
export const STAGING_PREFIX = '.staging-';

/** Ids are folder names: letters, digits, '.', '_' and '-', starting with a letter or digit. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The keys of design.json that the store owns; any other key is kept as it is. */
export const RECORD_KEYS: ReadonlySet<string> = new Set([
  'id',
  'parents',
  'operator',
  'unit',
  'summary',
  'proposal',
  'review',
  'verification',
  'costs',
  'status',
  'fitness',
  'createdAt',
  'blockSha256',
  'schema',
]);

/** design.json as found: the record's fields (checked) and any other fields (kept as they are). */
export type DesignJson = Record<string, unknown>;

export type ReadJson =
  | { readonly kind: 'missing' }
  | { readonly kind: 'broken'; readonly reason: string }
  | { readonly kind: 'ok'; readonly json: DesignJson };

export function designsDir(root: string): string {
  return join(root, 'designs');
}

export function readDesignJson(dir: string): ReadJson {
  const path = join(dir, DESIGN_FILE);
  if (!existsSync(path)) {
    return { kind: 'missing' };
  }
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      return { kind: 'broken', reason: 'not a JSON object' };
    }
    return { kind: 'ok', json: v as DesignJson };
  } catch (err) {
    return { kind: 'broken', reason: (err as Error).message };
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function isRecordOfNumbers(v: unknown): v is Record<string, number> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'number')
  );
}

function isCosts(v: unknown): v is { tokens: number; usd: number } {
  const c = v as { tokens?: unknown; usd?: unknown } | null;
  return (
    typeof c === 'object' && c !== null && typeof c.tokens === 'number' && typeof c.usd === 'number'
  );
}

/**
 * The record in a design.json, leniently: a missing or unknown field gets its default (a seed is
 * 'verified', anything else 'proposed'); the folder name is the id.
 */
export function recordFromJson(id: string, json: DesignJson, fallbackTime: string): DesignRecord {
  const operator = DESIGN_OPERATORS.includes(json.operator as DesignOperator)
    ? (json.operator as DesignOperator)
    : 'manual';
  const status = DESIGN_STATUSES.includes(json.status as DesignStatus)
    ? (json.status as DesignStatus)
    : operator === 'seed'
      ? 'verified'
      : 'proposed';
  const rec: DesignRecord = {
    id,
    parents: strings(json.parents),
    operator,
    status,
    createdAt: typeof json.createdAt === 'string' ? json.createdAt : fallbackTime,
  };
  if (typeof json.unit === 'string') {
    rec.unit = json.unit;
  }
  if (typeof json.summary === 'string') {
    rec.summary = json.summary;
  }
  for (const key of ['proposal', 'review', 'verification'] as const) {
    if (json[key] !== undefined) {
      rec[key] = json[key];
    }
  }
  if (isCosts(json.costs)) {
    rec.costs = { tokens: json.costs.tokens, usd: json.costs.usd };
  }
  if (isRecordOfNumbers(json.fitness)) {
    rec.fitness = { ...json.fitness };
  }
  return rec;
}

/** design.json's text: the other fields kept, then the record, the block hash and the schema. */
export function designJsonText(
  rec: DesignRecord,
  blockSha256: string,
  extra: DesignJson = {},
): string {
  const kept = Object.entries(extra).filter(([k]) => !RECORD_KEYS.has(k));
  const all: DesignJson = {
    ...Object.fromEntries(kept),
    ...rec,
    blockSha256,
    schema: SCHEMA_VERSION,
  };
  const out = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
  return JSON.stringify(out, null, 2) + '\n';
}

/** Rewrites designs/<id>/design.json atomically. */
export function writeDesignJson(dir: string, text: string): void {
  writeAtomic(join(dir, DESIGN_FILE), text);
}

/**
 * Creates designs/<id>/ with block.ts and design.json through a staging folder and a rename.
 * Throws if designs/<id> exists.
 */
export function createDesignFolder(root: string, id: string, source: string, json: string): string {
  const designs = designsDir(root);
  const dir = join(designs, id);
  if (existsSync(dir)) {
    throw new Error(`cannot add design '${id}': ${dir} already exists; pick another id`);
  }
  const staging = join(designs, STAGING_PREFIX + id);
  mkdirSync(staging, { recursive: true });
  writeDurable(join(staging, BLOCK_FILE), source);
  writeDurable(join(staging, DESIGN_FILE), json); // last: its presence marks a complete folder
  fsyncDir(staging);
  renameSync(staging, dir);
  fsyncDir(designs);
  return dir;
}

export interface FolderEntry {
  readonly name: string;
  readonly path: string;
  readonly kind: 'design' | 'staging' | 'not-a-design';
}

/** The entries of designs/: design folders (holding block.ts), crash leftovers, and the rest. */
export function scanDesigns(root: string): FolderEntry[] {
  const designs = designsDir(root);
  if (!existsSync(designs)) {
    return [];
  }
  const out: FolderEntry[] = [];
  for (const e of readdirSync(designs, { withFileTypes: true })) {
    const path = join(designs, e.name);
    if (!e.isDirectory()) {
      continue;
    }
    if (e.name.startsWith(STAGING_PREFIX)) {
      out.push({ name: e.name, path, kind: 'staging' });
    } else if (e.name.startsWith('.')) {
      continue;
    } else if (ID_PATTERN.test(e.name) && existsSync(join(path, BLOCK_FILE))) {
      out.push({ name: e.name, path, kind: 'design' });
    } else {
      out.push({ name: e.name, path, kind: 'not-a-design' });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The folder's modification time, as the creation time of a design found without one. */
export function folderTime(path: string): string {
  try {
    return statSync(path).mtime.toISOString();
  } catch {
    return new Date().toISOString();
  }
}
