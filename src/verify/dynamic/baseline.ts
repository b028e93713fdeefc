// The parent's cache of the GPT seed's speed and memory figures (the child cannot write files).
// Keyed by everything the figures depend on: rung, backend, Node version, the measurement's
// version, and hashes of the contract, the GPT seed and the runner bundle (which holds the ops).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rung } from '../../ladder/rungs';
import { contractPath, runnerPath, seedsDir } from '../../paths';
import type { BaselineFigures } from '../../sandbox/protocol';
import { MEASURE_VERSION } from './measure';

/** The GPT seed the speed and memory checks compare with. */
export function gptSeedPath(): string {
  return join(seedsDir(), 'gpt2', 'block.ts');
}

/** $XDG_CACHE_HOME/blocksmith, else <tmpdir>/blocksmith-cache. */
export function cacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return xdg ? join(xdg, 'blocksmith') : join(tmpdir(), 'blocksmith-cache');
}

function cacheFile(): string {
  return join(cacheDir(), 'verify-baselines.json');
}

function fileHash(hash: ReturnType<typeof createHash>, path: string): void {
  hash.update(path);
  hash.update(existsSync(path) ? readFileSync(path) : 'missing');
}

/** The cache key of the GPT baseline at `rung` on `backend`. */
export function baselineKey(rung: Rung, backend: string, seedSource: string): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ rung, backend, node: process.version, v: MEASURE_VERSION }));
  hash.update(seedSource);
  fileHash(hash, contractPath());
  fileHash(hash, runnerPath());
  return hash.digest('hex').slice(0, 32);
}

function readAll(): Partial<Record<string, BaselineFigures>> {
  try {
    const value: unknown = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

export function readBaseline(key: string): BaselineFigures | undefined {
  const b = readAll()[key];
  return b && Number.isFinite(b.ms) && Number.isFinite(b.bytes) && b.ms > 0 && b.bytes > 0
    ? b
    : undefined;
}

/** Stores a baseline (atomically: write then rename). A cache that cannot be written is skipped. */
export function writeBaseline(key: string, figures: BaselineFigures): void {
  try {
    mkdirSync(cacheDir(), { recursive: true });
    const all = {
      ...readAll(),
      [key]: { ms: figures.ms, wallMs: figures.wallMs, bytes: figures.bytes },
    };
    const tmp = `${cacheFile()}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 1));
    renameSync(tmp, cacheFile());
  } catch {
    // Without a cache the next run measures the baseline again: slower, still correct.
  }
}
