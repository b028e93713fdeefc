// The CLI's seams: where text goes, whether it is a terminal, and the usage-error type that
// maps to exit code 2. Commands take an Io so tests can run them without a child process.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

export interface Io {
  /** Writes to stdout (the command's result). */
  out(text: string): void;
  /** Writes to stderr (progress, warnings, errors). */
  err(text: string): void;
  readonly stdoutTTY: boolean;
  readonly stderrTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The real process's streams. */
export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    stdoutTTY: process.stdout.isTTY,
    stderrTTY: process.stderr.isTTY,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Colour only on a terminal, and never when NO_COLOR is set to a non-empty value (no-color.org). */
export function useColour(io: Io): boolean {
  const no = io.env['NO_COLOR'];
  return io.stdoutTTY && (no === undefined || no === '');
}

/** A bad command line or input (missing file, unknown rung): exit code 2, with a hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** parseArgs, strict, with its errors turned into a UsageError that points at `--help`. */
export function parse(command: string, args: readonly string[], options: Options): Parsed {
  try {
    const r = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values, positionals: r.positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new UsageError(`${command}: ${msg}`, `run 'blocksmith ${command} --help' for usage`);
  }
}

/** A string option's value, or undefined. */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A boolean flag's value. */
export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

/** One subcommand: its help text, its options, and what it does (returns the exit code). */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full help: usage line, description, options. */
  readonly help: string;
  readonly options: Options;
  run(p: Parsed, io: Io): Promise<number>;
}
