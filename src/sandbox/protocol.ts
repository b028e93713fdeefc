// The one message protocol between the verifier (parent) and the sandboxed runner (child).
// Parent to child: one Job as JSON on stdin. Child to parent: one RunnerMessage per stdout line.
import type { Rung } from '../ladder/rungs';
import type { CheckResult } from '../verify/types';

/** What the GPT seed costs at a rung and backend: the yardstick of dynamic/speed and dynamic/memory. */
export interface BaselineFigures {
  /** Forward + backward process CPU time of one step, ms (best of several): what is judged. */
  readonly ms: number;
  /** The same step's wall time, ms (best of several): reported, not judged (load-sensitive). */
  readonly wallMs: number;
  /** Peak bytes held by tensors during that step (tf.profile peakBytes). */
  readonly bytes: number;
}

/** The work the child does: verify one block file at one rung on one backend. */
export interface Job {
  readonly fileName: string;
  readonly source: string;
  readonly rung: Rung;
  readonly backend: 'wasm' | 'cpu';
  /** Seed of parameter initialisation and of the random probes. */
  readonly seed: number;
  /** The cached GPT-seed figures, if the parent has them. */
  readonly baseline?: BaselineFigures;
  /** Without a cached baseline: the GPT seed's source, so the child measures it too. */
  readonly baselineSource?: string;
}

/** The child's messages, one JSON object a line on stdout. */
export type RunnerMessage =
  /** A check is starting (the watchdog names it if the child is killed). */
  | { readonly type: 'progress'; readonly check: string }
  /** A check's outcome; a check may send several (dynamic/speed and dynamic/memory share one run). */
  | { readonly type: 'result'; readonly result: CheckResult }
  /** The GPT seed's figures, measured in this run because the parent had none cached. */
  | { readonly type: 'baseline'; readonly baseline: BaselineFigures }
  /** Every check ran (or was skipped); the child exits next. */
  | { readonly type: 'done' }
  /** The runner itself failed (bad job, backend did not start). */
  | { readonly type: 'fatal'; readonly message: string };

/** Parses one stdout line; undefined for anything that is not a RunnerMessage (stray output). */
export function parseMessage(line: string): RunnerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const type = (value as { type?: unknown }).type;
  const known = ['progress', 'result', 'baseline', 'done', 'fatal'];
  return typeof type === 'string' && known.includes(type) ? (value as RunnerMessage) : undefined;
}

/** Serialises a message as one line (the child writes it to stdout). */
export function formatMessage(msg: RunnerMessage): string {
  return `${JSON.stringify(msg)}\n`;
}
