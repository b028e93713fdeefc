// `blocksmith units <block.ts>`: the unit tree of a block file (names, children, source ranges).
import { readFileSync } from 'node:fs';
import type { UnitNode, UnitTree } from '../../units/tree';
import { readUnitTree } from '../../units/tree';
import type { Command } from '../io';
import { EXIT_OK, UsageError } from '../io';
import { readBlockFile } from './files';

function span(u: UnitNode): string {
  return `${u.range.start.line}:${u.range.start.column}-${u.range.end.line}:${u.range.end.column}`;
}

/** The tree drawn from the root; units not reachable from it are listed after, as detached. */
export function renderTree(tree: UnitTree): string {
  const byName = new Map(tree.units.map((u) => [u.name, u]));
  const seen = new Set<string>();
  const lines = [`${tree.design ?? '(unnamed design)'}  root: ${tree.root ?? '(none)'}`];
  const walk = (name: string, prefix: string, last: boolean, top: boolean): void => {
    const u = byName.get(name);
    const branch = top ? '' : last ? '└─ ' : '├─ ';
    const cycle = seen.has(name);
    const label = u === undefined ? `${name}  (not defined in this file)` : `${name}  ${span(u)}`;
    lines.push(`${prefix}${branch}${label}${cycle ? '  (see above)' : ''}`);
    if (u === undefined || cycle) {
      return;
    }
    seen.add(name);
    const childPrefix = top ? '' : prefix + (last ? '   ' : '│  ');
    u.children.forEach((c, i) => {
      walk(c, childPrefix, i === u.children.length - 1, false);
    });
  };
  if (tree.root !== undefined) {
    walk(tree.root, '', true, true);
  }
  const detached = tree.units.filter((u) => !seen.has(u.name));
  if (detached.length > 0) {
    lines.push('not reachable from the root:');
    for (const u of detached) {
      lines.push(`  ${u.name}  ${span(u)}`);
    }
  }
  return lines.join('\n');
}

export const unitsCommand: Command = {
  name: 'units',
  summary: 'print the unit tree of a block file',
  help: `Usage: blocksmith units <block.ts> [--json]

Prints the block's unit tree: each unit's name, its children and its source range
(line:column-line:column, 1-based).

Options:
  --json       print { design, root, units: [{ name, children, range }] }
  -h, --help   show this help`,
  options: { json: { type: 'boolean' } },
  run(p, io) {
    if (p.positionals.length !== 1) {
      throw new UsageError(
        `units: expected one block file, got ${p.positionals.length}`,
        'usage: blocksmith units <block.ts>',
      );
    }
    const file = readBlockFile(io.cwd, p.positionals[0]);
    const tree = readUnitTree(file.path, readFileSync(file.path, 'utf8'));
    io.out((p.values['json'] === true ? JSON.stringify(tree) : renderTree(tree)) + '\n');
    return Promise.resolve(EXIT_OK);
  },
};
