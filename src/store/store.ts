// The design store: designs/<id>/ folders (the truth) indexed in .blocksmith/db.json, one
// writing process at a time. open() takes the lock, loads the index (rebuilding it from the
// folders when it is missing, corrupt or of another version) and reconciles it with the folders;
// `notes` says what it repaired.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Low } from 'lowdb';
import { openDb } from './db';
import { fingerprint, sha256, unitHashes } from './fingerprint';
import {
  BLOCK_FILE,
  createDesignFolder,
  designJsonText,
  designsDir,
  readDesignJson,
  writeDesignJson,
} from './folders';
import { acquireLock, releaseLock, type HeldLock } from './lock';
import { reconcile } from './reconcile';
import { checkNew, checkPatch, cleanRecord, idStem } from './validate';
import {
  own,
  type DbShape,
  type DesignPatch,
  type DesignRecord,
  type NewDesign,
  type StoreNote,
  type UnitEntry,
} from './types';

export interface OpenOptions {
  /** Read the store without the lock: no writes, repairs computed in memory only. */
  readonly readOnly?: boolean;
}

export class DesignStore {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    /** The workspace root, absolute. */
    readonly root: string,
    private readonly db: Low<DbShape>,
    private readonly lock: HeldLock | undefined,
    /** What open() found and repaired, in order. */
    readonly notes: readonly StoreNote[],
  ) {}

  /** Opens the store of `workspace` (creating .blocksmith/ if needed). Throws if another process holds it. */
  static async open(workspace: string, opts: OpenOptions = {}): Promise<DesignStore> {
    const root = resolve(workspace);
    const meta = join(root, '.blocksmith');
    const readOnly = opts.readOnly === true;
    if (!readOnly) {
      mkdirSync(meta, { recursive: true });
    }
    const lock = readOnly ? undefined : acquireLock(join(meta, 'lock'));
    try {
      const notes: StoreNote[] = [];
      if (lock?.tookOver !== undefined) {
        const t = lock.tookOver;
        notes.push({
          kind: 'lock-taken-over',
          path: lock.path,
          message: `took over the lock of process ${t.pid} (started ${t.startedAt}), which is no longer running`,
        });
      }
      const opened = await openDb(join(meta, 'db.json'), readOnly);
      if (opened.rebuild !== undefined) {
        const kept =
          opened.keptAt === undefined ? '' : `; the old file is kept as ${opened.keptAt}`;
        notes.push({
          kind: 'index-rebuilt',
          message: `the index .blocksmith/db.json ${opened.rebuild}: rebuilt from designs/${kept}`,
        });
      }
      const before = JSON.stringify(opened.db.data);
      const orphansDir = join(meta, 'orphans');
      notes.push(
        ...reconcile(opened.db.data, {
          root,
          orphansDir,
          readOnly,
          rebuilt: opened.rebuild !== undefined,
        }),
      );
      if (
        !readOnly &&
        (opened.rebuild !== undefined || JSON.stringify(opened.db.data) !== before)
      ) {
        await opened.db.write();
      }
      return new DesignStore(root, opened.db, lock, notes);
    } catch (err) {
      if (lock !== undefined) {
        releaseLock(lock);
      }
      throw err;
    }
  }

  /** Every design, oldest first. */
  list(): DesignRecord[] {
    return Object.values(this.db.data.designs)
      .map((d) => structuredClone(d.record))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  get(id: string): DesignRecord | undefined {
    const d = own(this.db.data.designs, id);
    return d === undefined ? undefined : structuredClone(d.record);
  }

  /** The folder of a design (designs/<id>), absolute. */
  dir(id: string): string {
    return join(designsDir(this.root), id);
  }

  /** Where a design's run on a rung lives: .blocksmith/runs/<id>/<rung>/ (not created). */
  runDir(id: string, rung: string): string {
    return join(this.root, '.blocksmith', 'runs', id, rung);
  }

  /** The design's block.ts, read from its folder (the truth). */
  source(id: string): string {
    if (own(this.db.data.designs, id) === undefined) {
      throw new Error(
        `no design '${id}' in the store at ${this.root}; list the designs with \`blocksmith designs\``,
      );
    }
    return readFileSync(join(this.dir(id), BLOCK_FILE), 'utf8');
  }

  /** Writes a new design folder, then indexes it. The id is `<parent stem>-<n>` unless given. */
  add(source: string, rec: NewDesign): Promise<DesignRecord> {
    return this.exclusive(async () => {
      checkNew(source, rec, (id) => own(this.db.data.designs, id) !== undefined);
      const id = rec.id ?? this.nextId(idStem(rec));
      if (
        own(this.db.data.designs, id) !== undefined ||
        own(this.db.data.removed, id) !== undefined ||
        existsSync(this.dir(id))
      ) {
        throw new Error(
          `cannot add design '${id}': that id is taken (ids are never reused); leave id out to get a fresh one`,
        );
      }
      const record = cleanRecord({ ...rec, id, createdAt: new Date().toISOString() });
      const hash = fingerprint(source);
      const blockSha256 = sha256(source);
      createDesignFolder(this.root, id, source, designJsonText(record, blockSha256));
      this.index(record, source, blockSha256, hash);
      await this.db.write();
      return structuredClone(record);
    });
  }

  /** Changes a design's record: design.json first (the truth), then the index. */
  update(id: string, patch: DesignPatch): Promise<DesignRecord> {
    return this.exclusive(async () => {
      const known = own(this.db.data.designs, id);
      if (known === undefined) {
        throw new Error(`cannot update design '${id}': it is not in the store at ${this.root}`);
      }
      checkPatch(id, patch);
      const record = cleanRecord({
        ...known.record,
        ...patch,
        id,
        createdAt: known.record.createdAt,
      });
      const read = readDesignJson(this.dir(id));
      const extra = read.kind === 'ok' ? read.json : {};
      writeDesignJson(this.dir(id), designJsonText(record, known.blockSha256, extra));
      known.record = record;
      await this.db.write();
      return structuredClone(record);
    });
  }

  /** The id of a stored design with the same normalised code (fingerprint.ts), if any. */
  findDuplicate(source: string): string | undefined {
    const fp = fingerprint(source);
    return this.list().find((r) => own(this.db.data.designs, r.id)?.fingerprint === fp)?.id;
  }

  /** The unit library: every unit text stored, with the designs that hold it. */
  units(): UnitEntry[] {
    const holders = new Map<string, string[]>();
    for (const [id, d] of Object.entries(this.db.data.designs)) {
      for (const hash of Object.values(d.units)) {
        holders.set(hash, [...(holders.get(hash) ?? []), id]);
      }
    }
    return Object.entries(this.db.data.units)
      .map(([hash, u]) => ({
        name: u.name,
        text: u.text,
        hash,
        designs: (holders.get(hash) ?? []).sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.hash.localeCompare(b.hash));
  }

  /** A budget kept in the index (by the evolution loop), or undefined. */
  budget(name: string): unknown {
    return structuredClone(this.db.data.budgets[name]);
  }

  setBudget(name: string, value: unknown): Promise<void> {
    return this.exclusive(async () => {
      this.db.data.budgets[name] = structuredClone(value);
      await this.db.write();
    });
  }

  /** Waits for pending writes and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.queue;
    if (this.lock !== undefined) {
      releaseLock(this.lock);
    }
  }

  private index(record: DesignRecord, source: string, blockSha256: string, fp: string): void {
    const units: Record<string, string> = {};
    for (const [name, u] of unitHashes(source)) {
      units[name] = u.hash;
      this.db.data.units[u.hash] ??= { name, text: u.text };
    }
    this.db.data.designs[record.id] = { record, blockSha256, fingerprint: fp, units };
  }

  private nextId(stem: string): string {
    for (;;) {
      const id = `${stem}-${this.db.data.nextSeq}`;
      this.db.data.nextSeq += 1;
      if (own(this.db.data.removed, id) === undefined && !existsSync(this.dir(id))) {
        return id;
      }
    }
  }

  /** Runs writes one at a time, in call order; refuses them when read-only or closed. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.lock === undefined || this.closed) {
      const why = this.closed ? 'it is closed' : 'it was opened read-only';
      return Promise.reject(new Error(`cannot write the design store at ${this.root}: ${why}`));
    }
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
