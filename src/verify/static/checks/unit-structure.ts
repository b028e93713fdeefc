// static/unit-structure: the block is a tree of units, as the contract describes. Each unit is a
// top-level `const X = unit({ name: 'X', children: [...], forward })`; children name units of the
// file and are exactly the units its forward runs with c.call; no cycles; one
// `export default block({ name, hparams, root })` whose root is a unit. Unreachable: a warning.
import ts from 'typescript';
import {
  childElements,
  findUnitDecls,
  getProp,
  isCallTo,
  literalString,
  propValue,
  skipOuter,
  type UnitDecl,
} from '../../../units/syntax';
import type { Finding, Rule, RuleContext } from '../rule';
import { checkBlockExport } from './block-export';
import { callsOfUnit, findCycles, indirectUnitUses, isUnitCall } from './unit-calls';

const SHAPE =
  "declare each unit as a top-level `const X = unit({ name: 'X', children: [...], forward(c, x, z) {...} })`";

function checkDeclShape(ctx: RuleContext, decl: UnitDecl): Finding[] {
  const out: Finding[] = [];
  if ((decl.statement.declarationList.flags & ts.NodeFlags.Const) === 0) {
    out.push(ctx.at(decl.statement, `unit '${decl.name}' is not a const: ${SHAPE}`));
  }
  if (decl.statement.declarationList.declarations.length > 1) {
    out.push(
      ctx.at(
        decl.declaration,
        `unit '${decl.name}' shares its statement with other declarations: give each unit its own statement`,
      ),
    );
  }
  if (decl.spec === undefined) {
    out.push(ctx.at(decl.call, `unit '${decl.name}': unit() takes an object literal: ${SHAPE}`));
    return out;
  }
  const nameValue = propValue(decl.spec, 'name');
  const name = literalString(nameValue);
  if (nameValue === undefined || name === undefined) {
    out.push(
      ctx.at(
        nameValue ?? decl.spec,
        `unit '${decl.name}' needs a literal \`name: '${decl.name}'\``,
      ),
    );
  } else if (name !== decl.name) {
    out.push(
      ctx.at(
        nameValue,
        `unit name '${name}' must equal its const name '${decl.name}': rename one of them`,
      ),
    );
  }
  return out;
}

function checkChildren(ctx: RuleContext, decl: UnitDecl, units: ReadonlySet<string>): Finding[] {
  const spec = decl.spec;
  if (spec === undefined) {
    return [];
  }
  const elements = childElements(spec);
  if (elements === undefined) {
    const where = getProp(spec, 'children') ?? spec;
    return [
      ctx.at(
        where,
        `unit '${decl.name}': \`children\` must be an array literal of the units it calls (\`children: []\` for none)`,
      ),
    ];
  }
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const e of elements) {
    const inner = skipOuter(e);
    if (!ts.isIdentifier(inner) || !units.has(inner.text)) {
      out.push(
        ctx.at(
          e,
          `unit '${decl.name}': children must name units declared in this file; '${e.getText(ctx.sourceFile)}' is not one`,
        ),
      );
    } else if (seen.has(inner.text)) {
      out.push(
        ctx.at(
          e,
          `unit '${decl.name}' lists '${inner.text}' twice in children: list it once (c.call(${inner.text}, x, z, name) labels repeated calls)`,
        ),
      );
    }
    seen.add(ts.isIdentifier(inner) ? inner.text : '');
  }
  return out.concat(checkCalls(ctx, decl, units, elements));
}

function checkCalls(
  ctx: RuleContext,
  decl: UnitDecl,
  units: ReadonlySet<string>,
  elements: readonly ts.Expression[],
): Finding[] {
  const declared = new Set(
    elements
      .map(skipOuter)
      .filter(ts.isIdentifier)
      .map((e) => e.text),
  );
  const called = new Set<string>();
  const out: Finding[] = [];
  for (const call of callsOfUnit(decl, units)) {
    const first = call.arguments.at(0);
    if (first === undefined || !ts.isIdentifier(first)) {
      out.push(
        ctx.at(
          first ?? call,
          `unit '${decl.name}': c.call's first argument must name a child unit directly`,
        ),
      );
    } else if (!declared.has(first.text)) {
      out.push(
        ctx.at(
          first,
          `unit '${decl.name}' calls '${first.text}', which is not in its children: add it to \`children\``,
        ),
      );
    } else {
      called.add(first.text);
    }
  }
  for (const e of elements) {
    const inner = skipOuter(e);
    if (ts.isIdentifier(inner) && units.has(inner.text) && !called.has(inner.text)) {
      out.push(
        ctx.at(
          e,
          `unit '${decl.name}' lists '${inner.text}' in children but never runs it with c.call(${inner.text}, ...): call it or remove it`,
        ),
      );
    }
  }
  return out;
}

/** unit() and block() calls, and c.call(Unit) sites, that sit outside the places they belong. */
function checkStrayCalls(
  ctx: RuleContext,
  decls: readonly UnitDecl[],
  units: ReadonlySet<string>,
): Finding[] {
  const declCalls = new Set<ts.Node>(decls.map((d) => d.call));
  const specs = decls.flatMap((d) => (d.spec ? [d.spec] : []));
  const out: Finding[] = [];
  const go = (node: ts.Node): void => {
    if (isCallTo(node, 'unit') && !declCalls.has(node)) {
      out.push(ctx.at(node, `unit() outside a top-level const: ${SHAPE}`));
    }
    if (specs.includes(node as ts.ObjectLiteralExpression)) {
      return; // calls inside a unit are checked against its children
    }
    if (isUnitCall(node, units)) {
      out.push(
        ctx.at(
          node,
          "c.call(Unit, ...) outside a unit: only a unit's forward may run its children",
        ),
      );
    }
    ts.forEachChild(node, go);
  };
  ts.forEachChild(ctx.sourceFile, go);
  return out;
}

function checkGraph(ctx: RuleContext, decls: readonly UnitDecl[]): Finding[] {
  const graph = new Map(
    decls.map((d) => [
      d.name,
      (childElements(d.spec) ?? [])
        .map(skipOuter)
        .filter(ts.isIdentifier)
        .map((e) => e.text),
    ]),
  );
  return findCycles(graph).flatMap((cycle) => {
    const decl = decls.find((d) => d.name === cycle[0]);
    return decl
      ? [
          ctx.at(
            decl.declaration.name,
            `units form a cycle (${cycle.join(' -> ')}): a block is a tree of units; break the cycle`,
          ),
        ]
      : [];
  });
}

function checkIndirect(ctx: RuleContext, units: ReadonlySet<string>): Finding[] {
  return indirectUnitUses(ctx.sourceFile, units).map((n) =>
    ctx.at(
      n,
      ts.isIdentifier(n)
        ? `unit '${n.text}' is used as a value here: a unit may appear only in a children list, as c.call(${n.text}, x, z)'s first argument, or as block()'s root; call it with c.call from a unit that lists it`
        : '`.call` taken without calling it: run children directly as c.call(Child, x, z)',
    ),
  );
}

function checkDuplicates(ctx: RuleContext, decls: readonly UnitDecl[]): Finding[] {
  const seen = new Set<string>();
  return decls.flatMap((d) => {
    const dup = seen.has(d.name);
    seen.add(d.name);
    return dup
      ? [ctx.at(d.declaration.name, `unit '${d.name}' is declared twice: unit names are unique`)]
      : [];
  });
}

export const unitStructureRule: Rule = {
  id: 'static/unit-structure',
  severity: 'error',
  description:
    'units are top-level consts named as declared, children match their c.call sites, no cycles, one default block() export rooted at a unit',
  run: (ctx) => {
    const decls = findUnitDecls(ctx.sourceFile);
    const units = new Set(decls.map((d) => d.name));
    return [
      ...decls.flatMap((d) => [...checkDeclShape(ctx, d), ...checkChildren(ctx, d, units)]),
      ...checkDuplicates(ctx, decls),
      ...checkStrayCalls(ctx, decls, units),
      ...checkIndirect(ctx, units),
      ...checkGraph(ctx, decls),
      ...checkBlockExport(ctx, decls),
    ].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  },
};
