// The held-out split. Each source's tokens are cut into fixed-size blocks aligned to the source's
// start; a block is held out when a hash of its token ids falls below valFraction. So the split
// depends on the text alone: not on the seed, not on the order files are given in, and a file
// added later leaves the other files' blocks where they were. The same pass counts unigrams for
// the baseline loss. Consecutive blocks of one side merge into ranges that windows are drawn from.
import { closeSync, openSync, readSync } from 'node:fs';
import { DataError } from './errors';

export interface SplitInfo {
  readonly valFraction: number;
  /** Tokens per block: a power of two from 512 to 8192, larger for larger corpora. */
  readonly blockSize: number;
  readonly blocks: number;
  /** Flat [start, end, start, end, ...] token ranges (end exclusive) of each side. */
  readonly train: readonly number[];
  readonly val: readonly number[];
  readonly trainTokens: number;
  readonly valTokens: number;
  /** Nats per token of an add-one unigram model fit on train, measured on val. */
  readonly unigramLoss: number;
}

const MIN_BLOCK = 512;
const MAX_BLOCK = 8192;
/** Blocks grow until the corpus has fewer than this many: enough for a ~5% split to be fair. */
const TARGET_BLOCKS = 256;

export function blockSizeFor(totalTokens: number): number {
  let b = MIN_BLOCK;
  while (b < MAX_BLOCK && b * 2 * TARGET_BLOCKS <= totalTokens) {
    b *= 2;
  }
  return b;
}

/** FNV-1a over 16-bit ids, then murmur3's finaliser for well-spread bits; in [0, 1). */
export function blockHash(ids: Uint16Array, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ ids[i], 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

interface Block {
  readonly start: number;
  readonly end: number;
  readonly u: number;
  val: boolean;
}

function countInto(counts: Float64Array, ids: Uint16Array, n: number, sign: number): void {
  for (let i = 0; i < n; i++) {
    counts[ids[i]] += sign;
  }
}

/** Reads the tokens of [start, end) into buf (the first end - start entries). */
function readRange(fd: number, buf: Uint16Array, start: number, end: number): number {
  const n = end - start;
  readSync(fd, buf, 0, n * 2, start * 2);
  return n;
}

/** Puts one block on the side that has none, moving its counts, so neither side is empty. */
function ensureBothSides(
  fd: number,
  blocks: Block[],
  buf: Uint16Array,
  counts: { train: Float64Array; val: Float64Array },
): void {
  for (const toVal of [true, false]) {
    if (blocks.some((b) => b.val === toVal)) {
      continue;
    }
    // The block whose hash is nearest the threshold moves: still a pure function of the text.
    const pick = blocks.reduce((a, b) => ((toVal ? b.u < a.u : b.u > a.u) ? b : a));
    pick.val = toVal;
    const n = readRange(fd, buf, pick.start, pick.end);
    countInto(toVal ? counts.val : counts.train, buf, n, 1);
    countInto(toVal ? counts.train : counts.val, buf, n, -1);
  }
}

function mergeRanges(blocks: readonly Block[], val: boolean): number[] {
  const out: number[] = [];
  for (const b of blocks) {
    if (b.val !== val) {
      continue;
    }
    if (out.length > 0 && out[out.length - 1] === b.start) {
      out[out.length - 1] = b.end;
    } else {
      out.push(b.start, b.end);
    }
  }
  return out;
}

function unigramLoss(train: Float64Array, val: Float64Array): number {
  const vocab = train.length;
  const nTrain = train.reduce((a, b) => a + b, 0);
  let nVal = 0;
  let nll = 0;
  for (let t = 0; t < vocab; t++) {
    if (val[t] > 0) {
      nVal += val[t];
      nll -= val[t] * Math.log((train[t] + 1) / (nTrain + vocab));
    }
  }
  return nll / nVal;
}

/** Splits the cached tokens of `sources` (token ranges in `binPath`) into train and val. */
export function computeSplit(
  binPath: string,
  sources: readonly { readonly path: string; readonly start: number; readonly tokens: number }[],
  valFraction: number,
  vocabSize: number,
): SplitInfo {
  const total = sources.reduce((n, s) => n + s.tokens, 0);
  const blockSize = blockSizeFor(total);
  if (total < 2 * MIN_BLOCK) {
    throw new DataError(
      `the corpus is too small: ${total} tokens (${sources[0]?.path ?? ''}...); it needs at ` +
        `least ${2 * MIN_BLOCK} to hold out a validation split. Give more text.`,
    );
  }
  const counts = { train: new Float64Array(vocabSize), val: new Float64Array(vocabSize) };
  const blocks: Block[] = [];
  const buf = new Uint16Array(blockSize);
  const fd = openSync(binPath, 'r');
  try {
    for (const s of sources) {
      for (let start = s.start; start < s.start + s.tokens; start += blockSize) {
        const end = Math.min(start + blockSize, s.start + s.tokens);
        const n = readRange(fd, buf, start, end);
        const u = blockHash(buf, n);
        blocks.push({ start, end, u, val: u < valFraction });
        countInto(u < valFraction ? counts.val : counts.train, buf, n, 1);
      }
    }
    ensureBothSides(fd, blocks, buf, counts);
  } finally {
    closeSync(fd);
  }
  const sideTokens = (v: boolean): number =>
    blocks.reduce((n, b) => n + (b.val === v ? b.end - b.start : 0), 0);
  return {
    valFraction,
    blockSize,
    blocks: blocks.length,
    train: mergeRanges(blocks, false),
    val: mergeRanges(blocks, true),
    trainTokens: sideTokens(false),
    valTokens: sideTokens(true),
    unigramLoss: unigramLoss(counts.train, counts.val),
  };
}
