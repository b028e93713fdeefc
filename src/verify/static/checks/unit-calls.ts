// Helpers of static/unit-structure: the `c.call(Child, ...)` sites of a unit and the cycle search.
import ts from 'typescript';
import type { UnitDecl } from '../../../units/syntax';

/** The ctx parameter name of a unit's forward (`forward(c, x, z)`), if it has one. */
function ctxParamName(spec: ts.ObjectLiteralExpression): string | undefined {
  for (const p of spec.properties) {
    const fn = ts.isMethodDeclaration(p)
      ? p
      : ts.isPropertyAssignment(p) &&
          (ts.isArrowFunction(p.initializer) || ts.isFunctionExpression(p.initializer))
        ? p.initializer
        : undefined;
    const name = fn?.parameters[0]?.name;
    if (
      p.name !== undefined &&
      ts.isIdentifier(p.name) &&
      p.name.text === 'forward' &&
      name &&
      ts.isIdentifier(name)
    ) {
      return name.text;
    }
  }
  return undefined;
}

/**
 * Whether `node` is an `x.call(first, ...)` that runs a unit: the receiver is the forward's ctx
 * parameter, or the first argument names a unit of the file.
 */
export function isUnitCall(
  node: ts.Node,
  units: ReadonlySet<string>,
  ctxName?: string,
): node is ts.CallExpression {
  if (
    !ts.isCallExpression(node) ||
    !ts.isPropertyAccessExpression(node.expression) ||
    node.expression.name.text !== 'call'
  ) {
    return false;
  }
  const recv = node.expression.expression;
  const first = node.arguments.at(0);
  const byCtx = ctxName !== undefined && ts.isIdentifier(recv) && recv.text === ctxName;
  return byCtx || (first !== undefined && ts.isIdentifier(first) && units.has(first.text));
}

/** The unit-running calls below `root`. */
export function unitCalls(
  root: ts.Node,
  units: ReadonlySet<string>,
  ctxName?: string,
): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  const go = (node: ts.Node): void => {
    if (isUnitCall(node, units, ctxName)) {
      out.push(node);
    }
    ts.forEachChild(node, go);
  };
  go(root);
  return out;
}

/** The calls inside one unit's spec. */
export function callsOfUnit(decl: UnitDecl, units: ReadonlySet<string>): ts.CallExpression[] {
  return decl.spec ? unitCalls(decl.spec, units, ctxParamName(decl.spec)) : [];
}

/** One cycle per unit that closes one (as the list of names around it), found depth first. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (name: string): void => {
    state.set(name, 'open');
    path.push(name);
    for (const child of graph.get(name) ?? []) {
      if (state.get(child) === 'open') {
        cycles.push([...path.slice(path.indexOf(child)), child]);
      } else if (!state.has(child) && graph.has(child)) {
        visit(child);
      }
    }
    path.pop();
    state.set(name, 'done');
  };
  for (const name of graph.keys()) {
    if (!state.has(name)) {
      visit(name);
    }
  }
  return cycles;
}
