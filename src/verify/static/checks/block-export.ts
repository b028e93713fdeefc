// Part of static/unit-structure: exactly one `export default block({ name, hparams, root })`,
// its root a unit of the file, block() called nowhere else; units the root never reaches warn.
import ts from 'typescript';
import {
  childElements,
  findDefaultExports,
  getProp,
  isCallTo,
  literalString,
  propValue,
  rootName,
  skipOuter,
  type DefaultExport,
  type UnitDecl,
} from '../../../units/syntax';
import type { Finding, RuleContext } from '../rule';

const EXPORT = "`export default block({ name: 'my-design', hparams, root: RootUnit })`";
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function checkSpec(ctx: RuleContext, def: DefaultExport, units: ReadonlySet<string>): Finding[] {
  const spec = def.spec;
  if (def.call === undefined || spec === undefined) {
    return [
      ctx.at(
        def.statement.expression,
        `the default export must be a block() call with an object literal: ${EXPORT}`,
      ),
    ];
  }
  const out: Finding[] = [];
  const nameValue = propValue(spec, 'name');
  const name = literalString(nameValue);
  if (name === undefined) {
    out.push(ctx.at(nameValue ?? spec, `block() needs a literal design name: ${EXPORT}`));
  } else if (nameValue && !KEBAB.test(name)) {
    out.push(
      ctx.at(nameValue, `design name '${name}' is not kebab-case (e.g. 'gated-retnet')`, 'warning'),
    );
  }
  const root = rootName(spec);
  if (root === undefined) {
    out.push(
      ctx.at(
        getProp(spec, 'root') ?? spec,
        `block() needs \`root\`: the unit that maps X [B, L, D] to Y [B, L, D]; ${EXPORT}`,
      ),
    );
  } else if (!units.has(root)) {
    out.push(
      ctx.at(
        skipOuter(propValue(spec, 'root')!),
        `block root '${root}' is not a unit declared in this file`,
      ),
    );
  }
  return out;
}

function reachable(decls: readonly UnitDecl[], root: string): Set<string> {
  const byName = new Map(decls.map((d) => [d.name, d]));
  const seen = new Set<string>();
  const stack = [root];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    const d = byName.get(name);
    if (d !== undefined && !seen.has(name)) {
      seen.add(name);
      for (const e of childElements(d.spec) ?? []) {
        const inner = skipOuter(e);
        if (ts.isIdentifier(inner)) {
          stack.push(inner.text);
        }
      }
    }
  }
  return seen;
}

function strayBlockCalls(ctx: RuleContext, allowed: ts.Node | undefined): Finding[] {
  const out: Finding[] = [];
  const go = (node: ts.Node): void => {
    if (isCallTo(node, 'block') && node !== allowed) {
      out.push(ctx.at(node, `block() may be called only once, as ${EXPORT}`));
    }
    ts.forEachChild(node, go);
  };
  ts.forEachChild(ctx.sourceFile, go);
  return out;
}

export function checkBlockExport(ctx: RuleContext, decls: readonly UnitDecl[]): Finding[] {
  const units = new Set(decls.map((d) => d.name));
  const defs = findDefaultExports(ctx.sourceFile);
  const first = defs.at(0);
  if (first === undefined) {
    return [
      {
        range: ctx.rangeOf(0, 0),
        message: `the file has no default export: end it with ${EXPORT}`,
      },
      ...strayBlockCalls(ctx, undefined),
    ];
  }
  const out = [
    ...checkSpec(ctx, first, units),
    ...defs
      .slice(1)
      .map((d) =>
        ctx.at(d.statement, 'a second default export: a block file exports exactly one block()'),
      ),
    ...strayBlockCalls(ctx, first.call),
  ];
  const root = rootName(first.spec);
  if (root !== undefined && units.has(root)) {
    const seen = reachable(decls, root);
    for (const d of decls.filter((u) => !seen.has(u.name))) {
      out.push(
        ctx.at(
          d.declaration.name,
          `unit '${d.name}' is not reachable from the root '${root}': list it in a parent's children or delete it`,
          'warning',
        ),
      );
    }
  }
  return out;
}
