// Checkpoints of a training run: one self-checking binary file a checkpoint, written atomically
// (temp file, fsync, rename), the last two kept. A file that is truncated or corrupt fails its
// checksum; loading then falls back to the previous one and renames the bad one *.corrupt (kept
// for inspection, never deleted). Nothing here knows tfjs: tensors travel as Float32Arrays.
//
// File layout: MAGIC (8 bytes) | header length (u32 LE) | header JSON | tensor data (f32 LE, each
// tensor at its header offset) | sha256 of everything before (32 bytes).
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

const MAGIC = Buffer.from('BSCKPT01', 'ascii');
const HASH_BYTES = 32;
const KEEP = 2;
const NAME = /^step-(\d{9})\.ckpt$/;

export interface SavedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** What a checkpoint holds: the tensors by name plus JSON metadata (step, config, state). */
export interface CheckpointData<M> {
  readonly step: number;
  readonly meta: M;
  readonly tensors: ReadonlyMap<string, SavedTensor>;
}

interface Header<M> {
  readonly step: number;
  readonly meta: M;
  readonly tensors: readonly { name: string; shape: number[]; offset: number; length: number }[];
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(9, '0')}.ckpt`;
}

/** The checkpoint as bytes (with its trailing checksum). */
export function encodeCheckpoint<M>(ck: CheckpointData<M>): Buffer {
  const entries: Header<M>['tensors'][number][] = [];
  let offset = 0;
  for (const [name, t] of ck.tensors) {
    entries.push({ name, shape: [...t.shape], offset, length: t.data.length });
    offset += t.data.length * 4;
  }
  const header = Buffer.from(JSON.stringify({ step: ck.step, meta: ck.meta, tensors: entries }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const body = Buffer.alloc(offset);
  for (const [i, t] of [...ck.tensors.values()].entries()) {
    const at = entries[i]?.offset ?? 0;
    // copy through a byte view: the tensor's buffer may be a shared or offset one
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(body, at);
  }
  const head = Buffer.concat([MAGIC, len, header, body]);
  return Buffer.concat([head, createHash('sha256').update(head).digest()]);
}

/** Bytes to a checkpoint; throws CheckpointError saying what is wrong with them. */
export function decodeCheckpoint<M>(buf: Buffer, where = 'checkpoint'): CheckpointData<M> {
  if (buf.length < MAGIC.length + 4 + HASH_BYTES || !buf.subarray(0, 8).equals(MAGIC)) {
    throw new CheckpointError(`${where}: not a Blocksmith checkpoint, or truncated`);
  }
  const head = buf.subarray(0, buf.length - HASH_BYTES);
  const want = buf.subarray(buf.length - HASH_BYTES);
  if (!createHash('sha256').update(head).digest().equals(want)) {
    throw new CheckpointError(`${where}: checksum mismatch (truncated or corrupt)`);
  }
  const hlen = head.readUInt32LE(8);
  const header = JSON.parse(head.subarray(12, 12 + hlen).toString('utf8')) as Header<M>;
  const body = head.subarray(12 + hlen);
  const tensors = new Map<string, SavedTensor>();
  for (const e of header.tensors) {
    const bytes = body.subarray(e.offset, e.offset + e.length * 4);
    if (bytes.length !== e.length * 4) {
      throw new CheckpointError(`${where}: tensor ${e.name} runs past the end of the file`);
    }
    // copy into an aligned buffer: a Float32Array needs a 4-byte aligned offset
    const data = new Float32Array(e.length);
    Buffer.from(data.buffer).set(bytes);
    tensors.set(e.name, { shape: e.shape, data });
  }
  return { step: header.step, meta: header.meta, tensors };
}

/**
 * fsync where allowed: Node 20's permission model (the trainer child) disables it. The rename
 * alone is atomic against a killed process; only a power cut could then lose the newest file,
 * and loading falls back to the previous one.
 */
function syncIfAllowed(fd: number): void {
  try {
    fsyncSync(fd);
  } catch {
    // ERR_ACCESS_DENIED under --experimental-permission
  }
}

/** Writes `bytes` to `path` atomically: a temp file beside it, fsync, rename. */
export function writeAtomic(path: string, bytes: Buffer | string): void {
  const tmp = `${path}.tmp-${String(process.pid)}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
    syncIfAllowed(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** The checkpoints in `dir` (valid or not), newest first. */
export function listCheckpoints(dir: string): { step: number; path: string }[] {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .map((f) => ({ m: NAME.exec(f), f }))
    .filter((x) => x.m !== null)
    .map((x) => ({ step: Number(x.m?.[1]), path: join(dir, x.f) }))
    .sort((a, b) => b.step - a.step);
}

/** Saves `ck` into `dir` and deletes all but the newest KEEP checkpoints; returns its path. */
export function saveCheckpoint<M>(dir: string, ck: CheckpointData<M>): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, checkpointName(ck.step));
  writeAtomic(path, encodeCheckpoint(ck));
  for (const old of listCheckpoints(dir).slice(KEEP)) {
    unlinkSync(old.path);
  }
  return path;
}

export interface Loaded<M> {
  readonly checkpoint: CheckpointData<M> | undefined;
  readonly path: string | undefined;
  /** Checkpoints passed over, each with why (they were renamed *.corrupt). */
  readonly skipped: readonly string[];
}

/** The newest checkpoint of `dir` that reads back whole; bad ones are renamed *.corrupt. */
export function loadLatestCheckpoint<M>(dir: string): Loaded<M> {
  const skipped: string[] = [];
  for (const c of listCheckpoints(dir)) {
    try {
      const checkpoint = decodeCheckpoint<M>(readFileSync(c.path), c.path);
      return { checkpoint, path: c.path, skipped };
    } catch (err) {
      skipped.push(err instanceof Error ? err.message : String(err));
      try {
        renameSync(c.path, `${c.path}.corrupt`);
      } catch {
        // read-only run folder: leave it, the next load skips it again
      }
    }
  }
  return { checkpoint: undefined, path: undefined, skipped };
}
