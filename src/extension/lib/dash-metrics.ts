// Reading a run's metrics.jsonl (one TrainerMessage a line, appended by the trainer child) as it
// grows, and turning its messages into loss curves. vscode-free: the dashboard host and the tests
// use it alike. A run may be started by the extension, the evolution loop or the CLI: the file on
// disk is the one source all three share.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseTrainerMessage, type TrainerMessage } from '../../train/protocol';

/** The largest slice read at once: a huge file is read over several calls, never all in memory. */
const MAX_READ = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Reads a growing JSONL file from the last byte offset. Only whole lines are returned: a line the
 * trainer is still writing stays for the next read. A file that shrank was rewritten: the reader
 * starts over and says so (`reset`).
 */
export class MetricsTail {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);

  constructor(readonly file: string) {}

  /** The bytes read so far (whole lines and a partial one). */
  get position(): number {
    return this.offset;
  }

  /** New messages since the last call; an unreadable or missing file gives none. */
  read(): { messages: TrainerMessage[]; reset: boolean } {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return { messages: [], reset: false };
    }
    try {
      return this.readFrom(fd);
    } finally {
      closeSync(fd);
    }
  }

  private readFrom(fd: number): { messages: TrainerMessage[]; reset: boolean } {
    const size = fstatSync(fd).size;
    let reset = false;
    if (size < this.offset) {
      this.offset = 0;
      this.partial = Buffer.alloc(0);
      reset = true;
    }
    const messages: TrainerMessage[] = [];
    while (this.offset < size) {
      const want = Math.min(MAX_READ, size - this.offset);
      const buf = Buffer.alloc(want);
      const got = readSync(fd, buf, 0, want, this.offset);
      if (got <= 0) {
        break;
      }
      this.offset += got;
      messages.push(...this.lines(buf.subarray(0, got)));
    }
    return { messages, reset };
  }

  /** Whole lines of `partial + chunk` as messages; the tail after the last newline is kept. */
  private lines(chunk: Buffer): TrainerMessage[] {
    const data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    const end = data.lastIndexOf(NEWLINE);
    if (end < 0) {
      this.partial = Buffer.from(data);
      return [];
    }
    // split on the newline byte before decoding, so a multi-byte character is never cut in two
    this.partial = Buffer.from(data.subarray(end + 1));
    const out: TrainerMessage[] = [];
    for (const line of data.subarray(0, end).toString('utf8').split('\n')) {
      const m = parseTrainerMessage(line.trim());
      if (m !== undefined) {
        out.push(m);
      }
    }
    return out;
  }
}

/** A loss curve's points in columns: x = tokens trained, y = loss (nats/token). */
export interface Points {
  tokens: number[];
  loss: number[];
}

const empty = (): Points => ({ tokens: [], loss: [] });

/** What `RunCurves.add` changed: the points to append, or a restart (send the whole curve). */
export interface CurveDelta {
  readonly train: Points;
  readonly val: Points;
  /** A fresh run began in a folder that had points: the curves start over. */
  readonly restarted: boolean;
}

/**
 * The train and validation curves of one run folder. A resumed run repeats the steps between
 * its last checkpoint and the stop: points at or below the last tokens are dropped, so a curve
 * only moves right. A fresh run (hello with resumedFrom 0) in a folder with points starts over.
 */
export class RunCurves {
  train: Points = empty();
  val: Points = empty();

  constructor(
    readonly design: string,
    readonly rung: string,
  ) {}

  add(messages: readonly TrainerMessage[]): CurveDelta {
    const train = empty();
    const val = empty();
    let restarted = false;
    for (const m of messages) {
      if (m.type === 'hello' && m.resumedFrom === 0 && this.train.tokens.length > 0) {
        this.train = empty();
        this.val = empty();
        restarted = true;
      } else if (m.type === 'progress') {
        push(this.train, train, m.tokens, m.loss);
      } else if (m.type === 'eval') {
        push(this.val, val, m.tokens, m.valLoss);
      }
    }
    return restarted ? { train: this.train, val: this.val, restarted } : { train, val, restarted };
  }
}

function push(all: Points, added: Points, tokens: number, loss: number): void {
  const last = all.tokens.at(-1);
  if (!Number.isFinite(tokens) || (last !== undefined && tokens <= last)) {
    return;
  }
  // a diverged step's loss is NaN or Infinity: a chart cannot draw it, and the end says diverged
  if (!Number.isFinite(loss)) {
    return;
  }
  all.tokens.push(tokens);
  all.loss.push(loss);
  added.tokens.push(tokens);
  added.loss.push(loss);
}

/** The curve key of the protocol: `${design}@${rung}:${kind}`. */
export function curveKey(design: string, rung: string, kind: 'train' | 'val'): string {
  return `${design}@${rung}:${kind}`;
}

/** design and rung of <root>/.blocksmith/runs/<design>/<rung>/metrics.jsonl. */
export function runOfMetrics(file: string): { design: string; rung: string } {
  const runDir = dirname(file);
  return { design: basename(dirname(runDir)), rung: basename(runDir) };
}
