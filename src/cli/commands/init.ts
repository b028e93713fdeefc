// `blocksmith init <dir>`: a discovery workspace with the seed designs, the contract and a tsconfig.
import { resolve } from 'node:path';
import { describeInit, initWorkspace } from '../../core/workspace';
import type { Command } from '../io';
import { EXIT_OK, UsageError } from '../io';

export const initCommand: Command = {
  name: 'init',
  summary: 'create a discovery workspace with the seed designs',
  help: `Usage: blocksmith init <dir> [--json]

Creates a discovery workspace in <dir> (created if missing):
  designs/<seed>/block.ts, design.json   one folder per seed design
  .blocksmith/gab.d.ts                    the block contract, for the editor
  tsconfig.json                           maps 'blocksmith/gab' to it
Never overwrites: an existing design folder or file is kept and reported.

Options:
  --json       print { root, created, kept, seeds } as JSON
  -h, --help   show this help`,
  options: { json: { type: 'boolean' } },
  run(p, io) {
    if (p.positionals.length !== 1) {
      throw new UsageError(
        `init: expected one directory, got ${p.positionals.length}`,
        'usage: blocksmith init <dir>',
      );
    }
    const root = resolve(io.cwd, p.positionals[0]);
    const r = initWorkspace(root);
    if (p.values['json'] === true) {
      io.out(JSON.stringify(r) + '\n');
    } else {
      io.out(describeInit(r, io.cwd).join('\n') + '\n');
    }
    return Promise.resolve(EXIT_OK);
  },
};
