// `blocksmith rungs`: the Ladder of Scales, smallest first.
import { RUNGS } from '../../ladder/rungs';
import type { Command } from '../io';
import { EXIT_OK } from '../io';

const COLUMNS = [
  'name',
  'kind',
  'd',
  'blocks',
  'context',
  'params',
  'tok/param',
  'designs',
  'vocab',
];

function table(rows: readonly (readonly string[])[]): string {
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const rungsCommand: Command = {
  name: 'rungs',
  summary: 'list the rungs of the Ladder of Scales',
  help: `Usage: blocksmith rungs [--json]

Lists the ladder's rungs, smallest first: width d, number of blocks, context, the reference
parameter count (the GPT seed's non-embedding parameters), tokens per parameter, how many
designs the rung may train, and the tokenizer.

Options:
  --json       an array of rung objects (params = referenceParams)
  -h, --help   show this help`,
  options: { json: { type: 'boolean' } },
  run(p, io) {
    if (p.values['json'] === true) {
      io.out(JSON.stringify(RUNGS.map((r) => ({ ...r, params: r.referenceParams }))) + '\n');
      return Promise.resolve(EXIT_OK);
    }
    const rows = RUNGS.map((r) => [
      r.name,
      r.kind,
      String(r.d),
      String(r.nBlocks),
      String(r.context),
      r.referenceParams.toLocaleString('en-US'),
      String(r.tokensPerParam),
      String(r.maxDesigns),
      r.vocab,
    ]);
    io.out(table([COLUMNS, ...rows]) + '\n');
    return Promise.resolve(EXIT_OK);
  },
};
