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

/** Where a unit's name may appear: its declaration, a children list, c.call's first argument, root. */
function isUnitPlace(id: ts.Identifier): boolean {
  const p = id.parent;
  if ((ts.isVariableDeclaration(p) && p.name === id) || ts.isExportAssignment(p)) {
    return true; // a default export that is not block() is reported by checkBlockExport
  }
  if (ts.isArrayLiteralExpression(p)) {
    const prop = p.parent;
    return (
      ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.name) && prop.name.text === 'children'
    );
  }
  if (ts.isCallExpression(p) && p.arguments[0] === id) {
    return ts.isPropertyAccessExpression(p.expression) && p.expression.name.text === 'call';
  }
  return (
    ts.isPropertyAssignment(p) &&
    p.initializer === id &&
    ts.isIdentifier(p.name) &&
    p.name.text === 'root'
  );
}

/**
 * Unit names used as values anywhere else (an alias, `Unit.forward(...)`, a unit passed to a
 * helper), and `.call` of a ctx taken without calling it (`c.call.bind(c)`): both run units
 * behind the children lists' back.
 */
export function indirectUnitUses(sf: ts.SourceFile, units: ReadonlySet<string>): ts.Node[] {
  const out: ts.Node[] = [];
  const go = (node: ts.Node): void => {
    if (
      ts.isIdentifier(node) &&
      units.has(node.text) &&
      !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) &&
      !(ts.isPropertyAssignment(node.parent) && node.parent.name === node) &&
      !isUnitPlace(node)
    ) {
      out.push(node);
    }
    if (
      ts.isPropertyAccessExpression(node) &&
      node.name.text === 'call' &&
      !(ts.isCallExpression(node.parent) && node.parent.expression === node)
    ) {
      out.push(node);
    }
    ts.forEachChild(node, go);
  };
  go(sf);
  return out;
}
