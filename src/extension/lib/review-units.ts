// The Mutate Block quick pick's rows, without vscode: the block's unit tree depth-first from the
// root, indented, each with the role the offline designer knows it by (units without one can only
// be rewritten by the LLM designer).
import { unitRoles } from '../../evolve/offline';
import { readUnitTree, unitsDepthFirst } from '../../units/tree';

export interface UnitRow {
  readonly name: string;
  readonly depth: number;
  /** The role the offline library has variants for, or undefined. */
  readonly role: string | undefined;
  readonly label: string;
  readonly description: string;
  /** 1-based line of the unit's statement. */
  readonly line: number;
}

/** Depth-first from the root; units the root does not reach come last, at depth 0. */
export function unitRows(source: string, offline: boolean): UnitRow[] {
  const tree = readUnitTree('block.ts', source);
  const roles = new Map(unitRoles(source).map((r) => [r.name, r.role]));
  return unitsDepthFirst(tree).map(({ unit: u, depth }) => {
    const role = roles.get(u.name);
    const what = u.name === tree.root ? 'root' : (role ?? 'helper');
    const hint = offline && role === undefined ? ' · needs the LLM designer' : '';
    return {
      name: u.name,
      depth,
      role,
      label: `${'\u00a0\u00a0\u00a0'.repeat(depth)}${depth > 0 ? '└ ' : ''}${u.name}`,
      description: `${what}${hint}`,
      line: u.range.start.line,
    };
  });
}
