// The single-writer lock: .blocksmith/lock, created with O_EXCL, holding the writer's pid, host
// and start time. A lock whose pid is dead on this host is stale and taken over; a live one is a
// clear error naming the pid.
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { stamp } from './atomic';

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Set when a stale lock was taken over: the dead writer's info. */
  readonly tookOver: LockInfo | undefined;
}

/** A lock file found empty or unreadable is only judged stale after this long (it may be mid-write). */
const FRESH_MS = 5000;

function tryCreate(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw new Error(`could not create the store lock ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    writeSync(fd, JSON.stringify(info) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readInfo(path: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (
      typeof v.pid === 'number' &&
      typeof v.host === 'string' &&
      typeof v.startedAt === 'string'
    ) {
      return { pid: v.pid, host: v.host, startedAt: v.startedAt };
    }
  } catch {
    // Missing, empty or garbled: decided by age below.
  }
  return undefined;
}

/** Whether `pid` is a live process on this machine (EPERM: alive, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

function liveError(path: string, held: LockInfo): Error {
  const where = held.host === hostname() ? '' : ` on host ${held.host}`;
  return new Error(
    `the design store is in use by process ${held.pid}${where} (since ${held.startedAt}): ` +
      `only one process may write it at a time. Close that process (Blocksmith window or CLI) ` +
      `and try again; if you are sure it is gone, delete ${path}`,
  );
}

/**
 * Moves a stale lock aside and checks that what moved is the lock judged stale, not a fresh one
 * another process created in between (then it is put back and this attempt fails).
 */
function moveStale(path: string, seen: LockInfo | undefined): void {
  const aside = `${path}.stale-${process.pid}-${stamp()}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // Someone else removed it first: just retry the create.
  }
  const moved = readInfo(aside);
  if (JSON.stringify(moved) !== JSON.stringify(seen)) {
    renameSync(aside, path);
    throw new Error(
      `the design store lock ${path} changed while it was being taken over; try again`,
    );
  }
  rmSync(aside, { force: true });
}

/** Takes the store lock at `path`, taking over a stale one. Throws if a live process holds it. */
export function acquireLock(path: string): HeldLock {
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  let tookOver: LockInfo | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, info)) {
      return { path, info, tookOver };
    }
    const held = readInfo(path);
    if (held === undefined) {
      if (ageMs(path) < FRESH_MS) {
        throw new Error(
          `the design store lock ${path} is being created by another process; try again`,
        );
      }
    } else if (held.host !== hostname() || pidAlive(held.pid)) {
      throw liveError(path, held);
    }
    moveStale(path, held);
    tookOver = held ?? { pid: -1, host: '?', startedAt: '?' };
  }
  throw new Error(`could not take the design store lock ${path} after 3 attempts; try again`);
}

/** Removes the lock if it is still ours. */
export function releaseLock(lock: HeldLock): void {
  const now = readInfo(lock.path);
  if (now !== undefined && now.pid === lock.info.pid && now.startedAt === lock.info.startedAt) {
    rmSync(lock.path, { force: true });
  }
}
