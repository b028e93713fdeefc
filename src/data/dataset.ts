// A tokenized corpus for training: opened from the user's files (or the shipped default corpus),
// cached as tokens on disk, read a window at a time with fs.readSync, so a corpus of any size
// never sits in memory. Batches are pure functions of (seed, step): a resumed run replays the
// very data a run never stopped would have seen.
import { closeSync, openSync, readSync } from 'node:fs';
import { keyedRandom } from '../gab/rng';
import { DEFAULT_CORPUS, defaultCorpusFiles } from './brown';
import { openCache, type TokenCache } from './cache';
import { DataError } from './errors';
import { brownSources, resolveSources } from './sources';
import type { Tokenizer } from './tokenizer';

export { DataError } from './errors';

export interface DatasetOptions {
  /** The user's .txt / .jsonl files or folders; empty: the corpus shipped with the package. */
  readonly paths: readonly string[];
  readonly tokenizer: Tokenizer;
  /** A writable folder for the token cache (e.g. <runDir>/data); created if missing. */
  readonly cacheDir: string;
  /** Share of the corpus held out for validation (default 0.05). */
  readonly valFraction?: number;
  readonly seed: number;
}

/** Where windows of one length may start: cumulative counts over a side's ranges. */
interface Starts {
  readonly ranges: readonly number[];
  /** cum[i] = number of valid starts in ranges 0..i-1; cum[last] = total. */
  readonly cum: Float64Array;
}

function startsFor(ranges: readonly number[], n: number): Starts {
  const cum = new Float64Array(ranges.length / 2 + 1);
  for (let i = 0; i < ranges.length / 2; i++) {
    const len = ranges[2 * i + 1] - ranges[2 * i];
    cum[i + 1] = cum[i] + Math.max(0, len - n + 1);
  }
  return { ranges, cum };
}

/** The token position of the k-th valid start (0 <= k < total). */
function positionOf(s: Starts, k: number): number {
  let lo = 0;
  let hi = s.cum.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.cum[mid] <= k) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return s.ranges[2 * lo] + (k - s.cum[lo]);
}

function longest(ranges: readonly number[]): number {
  let m = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    m = Math.max(m, ranges[i + 1] - ranges[i]);
  }
  return m;
}

function checkShape(batch: number, context: number, stepOrCount: number): void {
  const ok = (v: number, min: number): boolean => Number.isSafeInteger(v) && v >= min;
  if (!ok(batch, 1) || !ok(context, 1) || !ok(stepOrCount, 0)) {
    throw new DataError(
      `bad batch request: batch ${batch}, context ${context}, step/count ${stepOrCount}; ` +
        `batch and context must be positive integers, step a non-negative integer`,
    );
  }
}

export class TokenDataset {
  private fd: number | undefined;
  private readonly starts = new Map<string, Starts>();
  private window = new Uint16Array(0);

  private constructor(
    private readonly cache: TokenCache,
    private readonly tokenizer: Tokenizer,
    private readonly seed: number,
    private readonly defaultCorpus: boolean,
  ) {
    this.fd = openSync(cache.binPath, 'r');
  }

  /** Opens a corpus: checks the files, tokenizes them once into cacheDir (or reuses the cache). */
  static async open(opts: DatasetOptions): Promise<TokenDataset> {
    const valFraction = opts.valFraction ?? 0.05;
    if (!(valFraction > 0 && valFraction < 0.5)) {
      throw new DataError(`valFraction must be in (0, 0.5), got ${valFraction}`);
    }
    const byDefault = opts.paths.length === 0;
    const sources = byDefault ? brownSources(defaultCorpusFiles()) : resolveSources(opts.paths);
    const cache = await openCache(sources, opts.tokenizer, opts.cacheDir, valFraction);
    return new TokenDataset(cache, opts.tokenizer, opts.seed, byDefault);
  }

  get totalTokens(): number {
    return this.cache.index.totalTokens;
  }

  /**
   * Row-major [batch, context + 1] token windows from the train split: row b is the window at a
   * start drawn uniformly from (seed, step, b), so resume replays the same data.
   */
  trainBatch(step: number, batch: number, context: number): Int32Array {
    return this.readRows(this.trainPositions(step, batch, context), context + 1);
  }

  /**
   * `count` fixed validation batches, each row-major [batch, context + 1]: windows evenly spaced
   * over the val split, the same for every seed and design, so their losses compare.
   */
  valBatches(count: number, batch: number, context: number): Int32Array[] {
    const pos = this.valPositions(count, batch, context);
    const out: Int32Array[] = [];
    for (let c = 0; c < count; c++) {
      out.push(this.readRows(pos.slice(c * batch, (c + 1) * batch), context + 1));
    }
    return out;
  }

  /** Where trainBatch's rows start in the token stream (for checks and debugging). */
  trainPositions(step: number, batch: number, context: number): number[] {
    checkShape(batch, context, step);
    const s = this.startsOf('train', context + 1);
    const total = s.cum[s.cum.length - 1];
    const rand = keyedRandom(this.seed, `data:train:${step}`);
    const out: number[] = [];
    for (let b = 0; b < batch; b++) {
      // 53 random bits: a corpus may hold more than 2^32 window starts.
      const k = (Math.floor(rand() * 2 ** 21) * 2 ** 32 + Math.floor(rand() * 2 ** 32)) % total;
      out.push(positionOf(s, k));
    }
    return out;
  }

  /** Where valBatches' rows start, batch after batch. */
  valPositions(count: number, batch: number, context: number): number[] {
    checkShape(batch, context, count);
    const s = this.startsOf('val', context + 1);
    const total = s.cum[s.cum.length - 1];
    const rows = count * batch;
    const out: number[] = [];
    for (let r = 0; r < rows; r++) {
      out.push(positionOf(s, Math.floor(((r + 0.5) * total) / rows)));
    }
    return out;
  }

  /** The split as flat [start, end, ...] token ranges (end exclusive) of each side. */
  splitRanges(): { readonly train: readonly number[]; readonly val: readonly number[] } {
    return this.cache.index.split;
  }

  /** Nats/token of a unigram model fit on the train split, measured on the val split. */
  unigramLoss(): number {
    return this.cache.index.split.unigramLoss;
  }

  /** Files, sizes, token counts and the split, for the saved run config: the same at every open. */
  describe(): Record<string, unknown> {
    const idx = this.cache.index;
    const sp = idx.split;
    const files = idx.sources.map((s) => ({ path: s.path, bytes: s.size, tokens: s.tokens }));
    return {
      corpus: this.defaultCorpus ? DEFAULT_CORPUS : 'user',
      tokenizer: this.tokenizer.name,
      vocabSize: this.tokenizer.vocabSize,
      fileCount: files.length,
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      // A shipped corpus is named by its package; a user's files are listed (up to 100).
      ...(this.defaultCorpus ? {} : { files: files.slice(0, 100) }),
      totalTokens: idx.totalTokens,
      split: {
        method: 'hash of token blocks aligned to each file start',
        valFraction: sp.valFraction,
        blockSize: sp.blockSize,
        blocks: sp.blocks,
        trainTokens: sp.trainTokens,
        valTokens: sp.valTokens,
      },
      unigramLoss: sp.unigramLoss,
    };
  }

  /** How this open found the token cache (not in describe(): it differs between opens). */
  cacheInfo(): {
    readonly path: string;
    readonly action: TokenCache['action'];
    readonly ms: number;
  } {
    return { path: this.cache.binPath, action: this.cache.action, ms: this.cache.ms };
  }

  /** Releases the cache file. The dataset cannot be read after. */
  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private startsOf(side: 'train' | 'val', n: number): Starts {
    const key = `${side}:${n}`;
    let s = this.starts.get(key);
    if (s === undefined) {
      const ranges = this.cache.index.split[side];
      s = startsFor(ranges, n);
      if (s.cum[s.cum.length - 1] === 0) {
        throw new DataError(
          `the ${side} split has no run of ${n} tokens (the longest is ${longest(ranges)}): the ` +
            `context is too long for this corpus. Give more text or use a shorter context.`,
        );
      }
      this.starts.set(key, s);
    }
    return s;
  }

  /** The windows of n tokens at `positions`, row-major [positions.length, n]. */
  private readRows(positions: readonly number[], n: number): Int32Array {
    const out = new Int32Array(positions.length * n);
    positions.forEach((p, i) => {
      this.readWindow(p, n, out, i * n);
    });
    return out;
  }

  /** Copies tokens [pos, pos + n) of the cache into out[at ...]. */
  private readWindow(pos: number, n: number, out: Int32Array, at: number): void {
    if (this.fd === undefined) {
      throw new DataError('the dataset was closed: open it again to read batches');
    }
    if (this.window.length < n) {
      this.window = new Uint16Array(n);
    }
    const buf = this.window;
    const got = readSync(this.fd, buf, 0, n * 2, pos * 2);
    if (got !== n * 2) {
      throw new DataError(
        `the token cache ${this.cache.binPath} is shorter than its index says: delete it and ` +
          `open the dataset again to rebuild it`,
      );
    }
    for (let i = 0; i < n; i++) {
      out[at + i] = buf[i]!;
    }
  }
}
