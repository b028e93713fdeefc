// The I/O both child processes (the verifier's sandbox and the trainer) share with their parent:
// one JSON job on stdin, one message a line on stdout, and the tail of stderr for error reports.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

export interface ChildIo {
  /** The last `tailChars` characters of the child's stderr (and of spawn errors). */
  readonly stderrTail: () => string;
}

/**
 * Sends `job` as JSON on the child's stdin and calls `onLine` with each complete stdout line;
 * the last, unterminated line is delivered when the child closes (before any 'close' listener
 * added after this call).
 */
export function wireChild(
  child: ChildProcessWithoutNullStreams,
  job: unknown,
  onLine: (line: string) => void,
  tailChars: number,
): ChildIo {
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-tailChars);
  });
  // The child may die before reading its job: a broken pipe is reported through 'close'.
  child.stdin.on('error', () => undefined);
  child.stdin.end(JSON.stringify(job));
  child.on('error', (err) => {
    stderr = `${stderr}\nspawn failed: ${err.message}`.slice(-tailChars);
  });
  child.on('close', () => {
    if (pending !== '') {
      onLine(pending);
      pending = '';
    }
  });
  return { stderrTail: () => stderr };
}
