// Small corpora made on the fly, in fresh temporary folders, for the data tests.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../src/gab/rng';

const WORDS = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'far', 'café', 'über'];

/** A fresh temporary folder. */
export function tmp(prefix = 'bs-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** About `bytes` bytes of seeded pseudo-text, one numbered sentence a line. */
export function text(bytes: number, seed = 1): string {
  const rand = mulberry32(seed);
  let out = '';
  for (let line = 0; out.length < bytes; line++) {
    const n = 4 + Math.floor(rand() * 8);
    const words = Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]);
    out += `${line}: ${words.join(' ')}.\n`;
  }
  return out;
}

/** Writes `content` to `dir/name` and returns the path. */
export function write(dir: string, name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** A JSONL file body: one {"text": ...} object a line. */
export function jsonl(docs: readonly string[]): string {
  return docs.map((t) => JSON.stringify({ text: t, id: t.length })).join('\n') + '\n';
}
