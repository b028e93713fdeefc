// The token cache: a corpus is tokenized once into `<cacheDir>/<tokenizer>-<key>.bin` (Uint16
// token ids, little-endian, the sources one after another, sorted by path) and a small JSON index
// beside it (the sources with their size, mtime and token range, and the split). Both are written
// to a temporary file and renamed, index last, so a crash never leaves a cache that looks valid.
// A cache is reused while every source keeps its size and mtime; otherwise it is rebuilt.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { hashString } from '../gab/rng';
import { DataError } from './errors';
import { readSource, type SourceFile } from './sources';
import { computeSplit, type SplitInfo } from './split';
import { documentSeparator, type Tokenizer } from './tokenizer';

const FORMAT = 1;

/** A source and where its tokens lie in the .bin file (in tokens). */
export interface CachedSource extends SourceFile {
  readonly start: number;
  readonly tokens: number;
}

export interface CacheIndex {
  readonly format: number;
  readonly tokenizer: string;
  readonly vocabSize: number;
  readonly sources: readonly CachedSource[];
  readonly totalTokens: number;
  readonly split: SplitInfo;
}

export interface TokenCache {
  readonly binPath: string;
  readonly indexPath: string;
  readonly index: CacheIndex;
  /** What opening did: reused as is, re-split (other valFraction), or tokenized anew. */
  readonly action: 'reused' | 'resplit' | 'built';
  readonly ms: number;
}

/** Writes `text` to `path` atomically (temporary file in the same folder, then rename). */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function sameSources(a: readonly SourceFile[], b: readonly SourceFile[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => {
      const t = b[i];
      return s.path === t.path && s.kind === t.kind && s.size === t.size && s.mtimeMs === t.mtimeMs;
    })
  );
}

/** The index at `indexPath` if it describes these sources and tokenizer and its .bin is whole. */
function readValidIndex(
  indexPath: string,
  binPath: string,
  sources: readonly SourceFile[],
  tok: Tokenizer,
): CacheIndex | undefined {
  try {
    const idx = JSON.parse(readFileSync(indexPath, 'utf8')) as CacheIndex;
    const ok =
      idx.format === FORMAT &&
      idx.tokenizer === tok.name &&
      idx.vocabSize === tok.vocabSize &&
      sameSources(idx.sources, sources) &&
      statSync(binPath).size === idx.totalTokens * 2;
    return ok ? idx : undefined;
  } catch {
    return undefined; // missing or unreadable: rebuild
  }
}

/** Appends token ids to an open file through a fixed buffer. */
class TokenWriter {
  private readonly buf = new Uint16Array(1 << 20);
  private used = 0;
  written = 0;

  constructor(private readonly fd: number) {}

  push(ids: ArrayLike<number>): void {
    for (let i = 0; i < ids.length;) {
      const n = Math.min(ids.length - i, this.buf.length - this.used);
      for (let j = 0; j < n; j++) {
        this.buf[this.used + j] = ids[i + j]!;
      }
      this.used += n;
      i += n;
      if (this.used === this.buf.length) {
        this.flush();
      }
    }
    this.written += ids.length;
  }

  flush(): void {
    if (this.used > 0) {
      writeSync(this.fd, this.buf, 0, this.used * 2);
      this.used = 0;
    }
  }
}

/** Tokenizes every source into `tmp`; returns each source's token range. */
async function tokenizeInto(
  tmp: string,
  sources: readonly SourceFile[],
  tok: Tokenizer,
): Promise<CachedSource[]> {
  const sep = documentSeparator(tok);
  const fd = openSync(tmp, 'w');
  try {
    const w = new TokenWriter(fd);
    const out: CachedSource[] = [];
    for (const src of sources) {
      const start = w.written;
      let docTokens = 0;
      for await (const piece of readSource(src)) {
        const ids = tok.encode(piece.text);
        w.push(ids);
        docTokens += ids.length;
        if (piece.docEnd && docTokens > 0) {
          w.push(sep);
          docTokens = 0;
        }
      }
      out.push({ ...src, start, tokens: w.written - start });
    }
    w.flush();
    try {
      fsyncSync(fd);
    } catch {
      // Node 20's permission model (the trainer child) disables fsync: the rename stays atomic
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

function emptyCorpusError(sources: readonly SourceFile[]): DataError {
  const names = sources.slice(0, 3).map((s) => s.path);
  const more = sources.length > 3 ? ` and ${sources.length - 3} more` : '';
  return new DataError(
    `the corpus is empty: ${names.join(', ')}${more} hold no text. Give files with text in them.`,
  );
}

/** Opens (reusing, re-splitting or building) the cache of `sources` under `cacheDir`. */
export async function openCache(
  sources: readonly SourceFile[],
  tok: Tokenizer,
  cacheDir: string,
  valFraction: number,
): Promise<TokenCache> {
  const t0 = Date.now();
  if (endianness() !== 'LE') {
    throw new DataError('the token cache is little-endian and this machine is not: unsupported');
  }
  if (sources.length === 0) {
    throw new DataError('no data files were given and none were found: give .txt or .jsonl files');
  }
  mkdirSync(cacheDir, { recursive: true });
  const key = hashString(sources.map((s) => `${s.kind}:${s.path}`).join('\n'));
  const base = join(cacheDir, `${tok.name}-${key.toString(16).padStart(8, '0')}`);
  const binPath = `${base}.bin`;
  const indexPath = `${base}.json`;
  const old = readValidIndex(indexPath, binPath, sources, tok);
  if (old !== undefined && old.split.valFraction === valFraction) {
    return { binPath, indexPath, index: old, action: 'reused', ms: Date.now() - t0 };
  }
  let cached: readonly CachedSource[];
  if (old !== undefined) {
    cached = old.sources;
  } else {
    const tmp = `${binPath}.tmp-${process.pid}`;
    try {
      cached = await tokenizeInto(tmp, sources, tok);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    renameSync(tmp, binPath);
  }
  const totalTokens = cached.reduce((n, s) => n + s.tokens, 0);
  if (totalTokens === 0) {
    throw emptyCorpusError(sources);
  }
  const split = computeSplit(binPath, cached, valFraction, tok.vocabSize);
  const index: CacheIndex = {
    format: FORMAT,
    tokenizer: tok.name,
    vocabSize: tok.vocabSize,
    sources: cached,
    totalTokens,
    split,
  };
  writeAtomic(indexPath, JSON.stringify(index));
  const action = old !== undefined ? 'resplit' : 'built';
  return { binPath, indexPath, index, action, ms: Date.now() - t0 };
}
