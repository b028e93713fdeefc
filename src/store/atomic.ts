// Durable, atomic file writes: a temp file beside the target, fsync, rename, then fsync of the
// folder so the rename itself survives a power cut. fsync of a folder is not permitted on every
// platform (Windows): there it is skipped.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let tempCounter = 0;

/** A temp name beside `path`, unique to this process and call. */
export function tempPath(path: string): string {
  tempCounter += 1;
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${tempCounter}`);
}

/** fsync a folder (so renames and creations in it are durable), where the platform permits. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // EISDIR/EPERM on Windows: folder fsync is not available there.
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}

/** Writes `data` to a new file at `path` (must not matter if it exists) and fsyncs it. */
export function writeDurable(path: string, data: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` with `data` atomically: readers see the old file or the new, never a mix. */
export function writeAtomic(path: string, data: string): void {
  const tmp = tempPath(path);
  try {
    writeDurable(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(
      `could not write ${path}: ${(err as Error).message}; check permissions and free disk space`,
      { cause: err },
    );
  }
  fsyncDir(dirname(path));
}

/** A file-name-safe time stamp, e.g. 2025-01-31T12-00-00-000Z. */
export function stamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}
