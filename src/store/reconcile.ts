// Brings the index (db.json) in line with the design folders, the truth, on open: folders added
// or edited by hand, design.json files missing or broken, adds interrupted by a crash, folders
// deleted by hand. Every repair is reported as a StoreNote; nothing is deleted: broken files and
// crash leftovers are moved aside, records of deleted folders are kept in `removed`.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { stamp } from './atomic';
import { fingerprint, sha256, unitHashes } from './fingerprint';
import {
  BLOCK_FILE,
  DESIGN_FILE,
  STAGING_PREFIX,
  designJsonText,
  folderTime,
  readDesignJson,
  recordFromJson,
  scanDesigns,
  writeDesignJson,
  type DesignJson,
  type FolderEntry,
  RECORD_KEYS,
} from './folders';
import { own, type DbShape, type DesignRecord, type IndexedDesign, type StoreNote } from './types';

export interface ReconcileOptions {
  readonly root: string;
  /** Where crash leftovers go: .blocksmith/orphans. */
  readonly orphansDir: string;
  /** Compute the repairs in memory only: write and move nothing. */
  readonly readOnly: boolean;
  /** The index was just rebuilt: do not note each design as newly indexed. */
  readonly rebuilt: boolean;
}

interface FoundRecord {
  rec: DesignRecord;
  /** design.json's fields that are not the record's: kept as they are. */
  extra: DesignJson;
  rewrite: boolean;
  /** The block.ts hash design.json (or else the index) recorded. */
  recordedHash: string | undefined;
}

class Reconciler {
  readonly notes: StoreNote[] = [];

  constructor(
    private readonly data: DbShape,
    private readonly opts: ReconcileOptions,
  ) {}

  note(kind: StoreNote['kind'], message: string, id?: string, path?: string): void {
    this.notes.push({
      kind,
      message,
      ...(id === undefined ? {} : { id }),
      ...(path === undefined ? {} : { path }),
    });
  }

  /** design.json's record, or one rebuilt from the index (or a manual one) when it is unusable. */
  private readRecord(e: FolderEntry, known: IndexedDesign | undefined): FoundRecord {
    const read = readDesignJson(e.path);
    if (read.kind === 'ok') {
      const extra = Object.fromEntries(
        Object.entries(read.json).filter(([k]) => !RECORD_KEYS.has(k)),
      );
      const rec = recordFromJson(e.name, read.json, folderTime(e.path));
      if (read.json.id !== undefined && read.json.id !== e.name) {
        this.note(
          'repaired',
          `designs/${e.name}/design.json named id ${JSON.stringify(read.json.id)}: the folder name wins`,
          e.name,
        );
      }
      const rewrite =
        read.json.blockSha256 === undefined ||
        read.json.id !== e.name ||
        read.json.schema === undefined;
      if (known === undefined && read.json.blockSha256 === undefined) {
        this.note('imported', `imported ${rec.operator} design '${e.name}'`, e.name, e.path);
      }
      const hash = read.json.blockSha256;
      return {
        rec,
        extra,
        rewrite,
        recordedHash: typeof hash === 'string' ? hash : known?.blockSha256,
      };
    }
    const file = join(e.path, DESIGN_FILE);
    if (read.kind === 'broken' && !this.opts.readOnly) {
      renameSync(file, `${file}.broken-${stamp()}`);
    }
    const why =
      read.kind === 'broken'
        ? `unreadable (${read.reason}; kept as ${DESIGN_FILE}.broken-<time>)`
        : 'missing';
    if (known !== undefined) {
      this.note(
        'repaired',
        `designs/${e.name}/design.json was ${why}: rewritten from the index`,
        e.name,
        file,
      );
      return {
        rec: { ...known.record },
        extra: {},
        rewrite: true,
        recordedHash: known.blockSha256,
      };
    }
    this.note(
      'imported',
      `designs/${e.name} has a block.ts but its design.json was ${why}: imported as a manual design`,
      e.name,
      e.path,
    );
    const rec: DesignRecord = {
      id: e.name,
      parents: [],
      operator: 'manual',
      status: 'proposed',
      createdAt: folderTime(e.path),
    };
    return { rec, extra: {}, rewrite: true, recordedHash: undefined };
  }

  /** A block.ts edited by hand: earlier verdicts were about other code; they move to `previous`. */
  private handEdited(rec: DesignRecord, extra: DesignJson, oldHash: string): DesignRecord {
    extra.previous = {
      status: rec.status,
      fitness: rec.fitness,
      verification: rec.verification,
      blockSha256: oldHash,
    };
    // A proposal under review may be edited by the reviewer: it stays in the queue (Accept
    // re-verifies the edited text, as its verification is gone).
    const status = rec.status === 'pending-review' ? 'pending-review' : 'proposed';
    this.note(
      'changed-by-hand',
      `designs/${rec.id}/block.ts was edited by hand: status '${rec.status}' -> '${status}' (earlier results kept under 'previous' in design.json)`,
      rec.id,
    );
    const rest = { ...rec };
    delete rest.fitness;
    delete rest.verification;
    return { ...rest, status };
  }

  design(e: FolderEntry): void {
    const source = readFileSync(join(e.path, BLOCK_FILE), 'utf8');
    const hash = sha256(source);
    const known = own(this.data.designs, e.name);
    const found = this.readRecord(e, known);
    let { rec, rewrite } = found;
    if (found.recordedHash !== undefined && found.recordedHash !== hash) {
      rec = this.handEdited(rec, found.extra, found.recordedHash);
      rewrite = true;
    }
    if (rewrite && !this.opts.readOnly) {
      writeDesignJson(e.path, designJsonText(rec, hash, found.extra));
    }
    const same = known?.blockSha256 === hash;
    const units: Record<string, string> = {};
    for (const [name, u] of unitHashes(source)) {
      units[name] = u.hash;
      this.data.units[u.hash] ??= { name, text: u.text };
    }
    if (known === undefined && !this.opts.rebuilt && !this.notes.some((n) => n.id === e.name)) {
      this.note(
        'index-updated',
        `design '${e.name}' was in designs/ but not in the index (an add cut short?): indexed`,
        e.name,
      );
    } else if (known !== undefined && !isDeepStrictEqual(known.record, rec) && !rewrite) {
      this.note(
        'index-updated',
        `the index entry of '${e.name}' differed from its design.json: updated from the folder`,
        e.name,
      );
    }
    this.data.designs[e.name] = {
      record: rec,
      blockSha256: hash,
      fingerprint: same ? known.fingerprint : fingerprint(source),
      units,
    };
  }

  staging(e: FolderEntry): void {
    const to = join(this.opts.orphansDir, `${e.name.slice(STAGING_PREFIX.length)}-${stamp()}`);
    if (!this.opts.readOnly) {
      mkdirSync(this.opts.orphansDir, { recursive: true });
      renameSync(e.path, to);
    }
    this.note(
      'orphan',
      `designs/${e.name} is an add cut short (no complete design): moved to ${to}`,
      undefined,
      to,
    );
  }

  removed(present: Set<string>): void {
    for (const id of Object.keys(this.data.designs)) {
      if (!present.has(id)) {
        this.data.removed[id] = this.data.designs[id].record;
        Reflect.deleteProperty(this.data.designs, id);
        this.note(
          'removed-by-hand',
          `designs/${id} is gone: its record is kept in the index under 'removed' and its id is not reused`,
          id,
        );
      }
    }
  }
}

function seqOf(name: string): number {
  const m = /-(\d+)(?:-|$)/.exec(name);
  return m ? Number(m[1]) : 0;
}

/** Reconciles `data` with the folders of `opts.root` in place and returns what was done. */
export function reconcile(data: DbShape, opts: ReconcileOptions): StoreNote[] {
  const r = new Reconciler(data, opts);
  const entries = scanDesigns(opts.root);
  const names: string[] = [...Object.keys(data.removed)];
  for (const e of entries) {
    names.push(e.name);
    if (e.kind === 'design') {
      r.design(e);
    } else if (e.kind === 'staging') {
      r.staging(e);
    } else {
      r.note(
        'not-a-design',
        `designs/${e.name} has no ${BLOCK_FILE} (or its name is not a valid id): not a design, left as it is`,
        undefined,
        e.path,
      );
    }
  }
  r.removed(new Set(entries.filter((e) => e.kind === 'design').map((e) => e.name)));
  if (existsSync(opts.orphansDir)) {
    names.push(...readdirSync(opts.orphansDir));
  }
  data.nextSeq = Math.max(data.nextSeq, 1 + Math.max(0, ...names.map(seqOf)));
  return r.notes;
}
