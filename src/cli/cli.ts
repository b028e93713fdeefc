// The `blocksmith` command line: dispatches to a subcommand and maps errors to exit codes
// (0 ok, 1 an invalid design, 2 a usage or internal error), each with a message and a hint.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths';
import { evolveCommand } from './commands/evolve';
import { initCommand } from './commands/init';
import { ladderCommand } from './commands/ladder';
import { reviewCommand } from './commands/review';
import { rungsCommand } from './commands/rungs';
import { statusCommand } from './commands/status';
import { trainCommand } from './commands/train';
import { unitsCommand } from './commands/units';
import { verifyCommand } from './commands/verify';
import type { Command, Io } from './io';
import { EXIT_OK, EXIT_USAGE, UsageError, parse } from './io';

export const COMMANDS: readonly Command[] = [
  initCommand,
  verifyCommand,
  trainCommand,
  ladderCommand,
  unitsCommand,
  rungsCommand,
  evolveCommand,
  reviewCommand,
  statusCommand,
];

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: blocksmith <command> [options]

Human-in-the-loop discovery of language-model architectures: blocks, verified, on a ladder.

Commands:
${list}

Options:
  -h, --help     show help (also: blocksmith <command> --help)
  -v, --version  show the version

Start with: blocksmith init demo && blocksmith verify demo/designs/*/block.ts`;
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [first = '--help', ...rest] = argv;
  if (first === '-h' || first === '--help' || first === 'help') {
    io.out(help() + '\n');
    return EXIT_OK;
  }
  if (first === '-v' || first === '--version') {
    io.out(version() + '\n');
    return EXIT_OK;
  }
  const cmd = COMMANDS.find((c) => c.name === first);
  if (cmd === undefined) {
    const what = first.startsWith('-') ? 'option' : 'command';
    throw new UsageError(
      `unknown ${what} '${first}'`,
      `commands: ${COMMANDS.map((c) => c.name).join(', ')}; run 'blocksmith --help'`,
    );
  }
  const parsed = parse(cmd.name, rest, cmd.options);
  if (parsed.values['help'] === true) {
    io.out(cmd.help + '\n');
    return EXIT_OK;
  }
  return cmd.run(parsed, io);
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`blocksmith: ${e.message}\n${e.hint !== undefined ? `hint: ${e.hint}\n` : ''}`);
      return EXIT_USAGE;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`blocksmith: internal error: ${msg}\n`);
    if (io.env['BLOCKSMITH_DEBUG'] !== undefined && e instanceof Error && e.stack !== undefined) {
      io.err(e.stack + '\n');
    } else {
      io.err('hint: set BLOCKSMITH_DEBUG=1 for the stack trace; report it if it persists\n');
    }
    return EXIT_USAGE;
  }
}
