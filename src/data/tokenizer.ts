// Tokenizers of the ladder: raw UTF-8 bytes on laptop rungs (vocabulary 256) and GPT-2 BPE on
// paper rungs (vocabulary 50257, shipped inside the `gpt-tokenizer` npm package, loaded lazily:
// its merge table costs memory and start-up time that laptop runs never need).
import { DataError } from './errors';

export interface Tokenizer {
  readonly name: 'bytes' | 'gpt2';
  readonly vocabSize: number;
  /** Token ids of `text`; every id is below vocabSize (so they fit the Uint16 token cache). */
  encode(text: string): Uint16Array | Int32Array;
  /** The text of `ids`; decode(encode(s)) === s for any well-formed string. */
  decode(ids: ArrayLike<number>): string;
}

const utf8Decoder = new TextDecoder('utf-8');

/** Each UTF-8 byte is a token: no merges, no unknown tokens, vocabulary 256. */
class BytesTokenizer implements Tokenizer {
  readonly name = 'bytes';
  readonly vocabSize = 256;

  encode(text: string): Uint16Array {
    const bytes = Buffer.from(text, 'utf8');
    const ids = new Uint16Array(bytes.length);
    ids.set(bytes);
    return ids;
  }

  decode(ids: ArrayLike<number>): string {
    return utf8Decoder.decode(Uint8Array.from(ids));
  }
}

/** The slice of gpt-tokenizer's encoding API that we use. */
interface GptEncodingModule {
  readonly vocabularySize: number;
  encode(
    text: string,
    opts?: { allowedSpecial?: Set<string>; disallowedSpecial?: Set<string> },
  ): number[];
  decode(ids: Iterable<number>): string;
}

// The module name sits in a variable so that esbuild leaves the require to run time (and the
// vocabulary out of the bundles): it resolves from node_modules like any dependency.
const GPT2_MODULE = 'gpt-tokenizer/encoding/gpt2';

function loadGpt2(): GptEncodingModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(GPT2_MODULE) as GptEncodingModule;
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new DataError(
      `the GPT-2 tokenizer (${GPT2_MODULE}) failed to load: ${msg}. It ships with ` +
        `Blocksmith as the dependency gpt-tokenizer; reinstall the package (npm install).`,
    );
  }
}

/** GPT-2 BPE (r50k_base). `<|endoftext|>` written in user text is encoded as plain text. */
class Gpt2Tokenizer implements Tokenizer {
  readonly name = 'gpt2';
  readonly vocabSize: number;
  private readonly enc: GptEncodingModule;
  // Special tokens in the text are plain text: a corpus must not inject document breaks.
  private readonly plain = {
    allowedSpecial: new Set<string>(),
    disallowedSpecial: new Set<string>(),
  };

  constructor() {
    this.enc = loadGpt2();
    this.vocabSize = this.enc.vocabularySize;
  }

  encode(text: string): Uint16Array {
    // The options make gpt-tokenizer about 2x slower: pass them only when they matter.
    const opts = text.includes('<|') ? this.plain : undefined;
    return Uint16Array.from(this.enc.encode(text, opts));
  }

  decode(ids: ArrayLike<number>): string {
    return this.enc.decode(Array.from(ids));
  }
}

/** GPT-2's end-of-text id: the document separator of the gpt2 token stream. */
export const GPT2_EOT = 50256;

let gpt2: Gpt2Tokenizer | undefined;

/** The tokenizer of a rung's `vocab`. The GPT-2 one is loaded on first use and then shared. */
export function tokenizerFor(kind: 'bytes' | 'gpt2'): Tokenizer {
  if (kind === 'bytes') {
    return new BytesTokenizer();
  }
  gpt2 ??= new Gpt2Tokenizer();
  return gpt2;
}

/**
 * Tokens put after each document in the token stream, so that a window crossing two documents
 * sees a boundary: GPT-2's end-of-text, or a blank line for bytes (no spare id in 256).
 */
export function documentSeparator(tok: Tokenizer): readonly number[] {
  return tok.name === 'gpt2' ? [GPT2_EOT] : [10, 10];
}
