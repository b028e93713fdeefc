// Reading corpus files as a stream of text pieces, never whole: plain text by chunks (cut at a
// line end, so BPE never splits a word across pieces), JSONL line by line (field "text"), and
// the shipped Brown corpus (small files, tags stripped). Each piece says whether it ends a
// document, where the token stream gets a separator.
import { createReadStream, readFileSync, statSync, readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { stripBrownTags } from './brown';
import { DataError } from './errors';

export type SourceKind = 'txt' | 'jsonl' | 'brown';

export interface SourceFile {
  readonly path: string;
  readonly kind: SourceKind;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface TextPiece {
  readonly text: string;
  /** The piece ends a document (a file, a JSONL line). */
  readonly docEnd: boolean;
}

const TXT_EXT = new Set(['.txt', '.text', '.md']);
const JSONL_EXT = new Set(['.jsonl', '.ndjson']);
/** Plain text is read and tokenized in pieces of about this many bytes. */
const CHUNK_BYTES = 1 << 20;

function kindOf(path: string): SourceKind | undefined {
  const ext = extname(path).toLowerCase();
  return TXT_EXT.has(ext) ? 'txt' : JSONL_EXT.has(ext) ? 'jsonl' : undefined;
}

function statOf(path: string, kind: SourceKind): SourceFile {
  const st = statSync(path);
  return { path, kind, size: st.size, mtimeMs: st.mtimeMs };
}

/** The .txt / .jsonl files under a folder, recursively, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const p = join(dir, e.name);
      return e.isDirectory() ? filesUnder(p) : kindOf(p) !== undefined ? [p] : [];
    });
}

/**
 * The user's files (folders expand to the .txt / .jsonl files inside), checked to exist and to
 * have a known kind, sorted by path: the token stream does not depend on the order given.
 */
export function resolveSources(paths: readonly string[]): SourceFile[] {
  const out = new Map<string, SourceFile>();
  for (const given of paths) {
    const path = resolve(given);
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new DataError(
        `data file not found: ${path}. Check the path, or give no data files to train on the default corpus.`,
      );
    }
    const files = isDir ? filesUnder(path) : [path];
    if (files.length === 0) {
      throw new DataError(`data folder ${path} holds no .txt or .jsonl file`);
    }
    for (const p of files) {
      const kind = kindOf(p);
      if (kind === undefined) {
        throw new DataError(
          `data file ${p}: unsupported type '${extname(p)}'. Give plain text (.txt, .md) or ` +
            `JSON lines (.jsonl, one {"text": "..."} object a line).`,
        );
      }
      out.set(p, statOf(p, kind));
    }
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The shipped corpus's files as sources. */
export function brownSources(files: readonly string[]): SourceFile[] {
  return files.map((f) => statOf(f, 'brown'));
}

/** Plain text, by chunks: each piece ends at the last line end inside it (or the file's end). */
async function* readTxt(path: string): AsyncGenerator<TextPiece> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    const text = carry + decoder.write(chunk as Buffer);
    const cut = text.lastIndexOf('\n') + 1;
    // A line longer than a chunk is cut where it is: BPE then sees a split word, rarely.
    const at = cut > 0 ? cut : text.length;
    carry = text.slice(at);
    if (at > 0) {
      yield { text: text.slice(0, at), docEnd: false };
    }
  }
  yield { text: carry + decoder.end(), docEnd: true };
}

/** JSON lines: each non-blank line is one document, an object with a string field "text". */
async function* readJsonl(path: string): AsyncGenerator<TextPiece> {
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const hint = 'Each line must be one JSON object like {"text": "..."}.';
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.trim() === '') {
        continue;
      }
      let text: unknown;
      try {
        text = (JSON.parse(line) as { text?: unknown } | null)?.text;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new DataError(`${path}:${n}: not valid JSON (${why}). ${hint}`);
      }
      if (typeof text !== 'string') {
        throw new DataError(`${path}:${n}: no string field "text". ${hint}`);
      }
      yield { text, docEnd: true };
    }
  } finally {
    // Also on an early stop (a bad line): release the file now, not at garbage collection.
    lines.close();
    input.destroy();
  }
}

/** The text pieces of one source, in order. */
export async function* readSource(src: SourceFile): AsyncGenerator<TextPiece> {
  if (src.kind === 'txt') {
    yield* readTxt(src.path);
  } else if (src.kind === 'jsonl') {
    yield* readJsonl(src.path);
  } else {
    // Brown samples are about 20 kB each: read whole.
    yield { text: stripBrownTags(readFileSync(src.path, 'utf8')), docEnd: true };
  }
}
