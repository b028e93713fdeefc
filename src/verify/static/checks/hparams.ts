// static/hparams: `export const hparams = { ... }` is a flat object literal of number, boolean and
// string literals (negative numbers and constant arithmetic like 8 / 3 allowed), so the ladder
// can read and tune it without running code; it does not shadow the rung's own d, nBlocks or
// layer; block({ hparams }) passes it.
import ts from 'typescript';
import { findDefaultExports, propName, propValue, skipOuter } from '../../../units/syntax';
import type { Finding, Rule, RuleContext } from '../rule';

const RESERVED: ReadonlySet<string> = new Set(['d', 'nBlocks', 'layer']);
const ARITHMETIC: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.PlusToken,
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.AsteriskToken,
  ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken,
]);
const FORM = "`export const hparams = { nHeads: 4, ratio: 8 / 3, gated: true, act: 'silu' }`";

function isNumericConst(expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  if (ts.isNumericLiteral(e)) {
    return true;
  }
  if (ts.isPrefixUnaryExpression(e)) {
    return (
      [ts.SyntaxKind.MinusToken, ts.SyntaxKind.PlusToken].includes(e.operator) &&
      isNumericConst(e.operand)
    );
  }
  return (
    ts.isBinaryExpression(e) &&
    ARITHMETIC.has(e.operatorToken.kind) &&
    isNumericConst(e.left) &&
    isNumericConst(e.right)
  );
}

function isLiteralValue(expr: ts.Expression): boolean {
  const e = skipOuter(expr);
  return (
    ts.isStringLiteral(e) ||
    ts.isNoSubstitutionTemplateLiteral(e) ||
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword ||
    isNumericConst(e)
  );
}

function checkEntry(ctx: RuleContext, p: ts.ObjectLiteralElementLike): Finding | undefined {
  const key = propName(p);
  if (!ts.isPropertyAssignment(p) || key === undefined || ts.isComputedPropertyName(p.name)) {
    return ctx.at(
      p,
      `hparams entries must be plain \`key: literal\` pairs (no spreads, methods, shorthand or computed keys): ${FORM}`,
    );
  }
  if (RESERVED.has(key)) {
    return ctx.at(
      p.name,
      `hparams may not define '${key}': the ladder sets it (read c.${key} in forward); rename the key`,
    );
  }
  if (!isLiteralValue(p.initializer)) {
    return ctx.at(
      p.initializer,
      `hparams.${key} must be a number, boolean or string literal (or constant arithmetic like 8 / 3): derive other values inside forward`,
    );
  }
  return undefined;
}

function findHParams(
  sf: ts.SourceFile,
): { stmt: ts.VariableStatement; decl: ts.VariableDeclaration } | undefined {
  for (const stmt of sf.statements) {
    if (ts.isVariableStatement(stmt)) {
      const decl = stmt.declarationList.declarations.find(
        (d) => ts.isIdentifier(d.name) && d.name.text === 'hparams',
      );
      if (decl) {
        return { stmt, decl };
      }
    }
  }
  return undefined;
}

function checkDeclaration(
  ctx: RuleContext,
  stmt: ts.VariableStatement,
  decl: ts.VariableDeclaration,
): Finding[] {
  const exported = (ts.getModifiers(stmt) ?? []).some(
    (m) => m.kind === ts.SyntaxKind.ExportKeyword,
  );
  if (!exported || (stmt.declarationList.flags & ts.NodeFlags.Const) === 0) {
    return [ctx.at(decl.name, `hparams must be an exported const: ${FORM}`)];
  }
  const init = decl.initializer && skipOuter(decl.initializer);
  if (init === undefined || !ts.isObjectLiteralExpression(init)) {
    return [ctx.at(decl.initializer ?? decl, `hparams must be an object literal: ${FORM}`)];
  }
  return init.properties.flatMap((p) => checkEntry(ctx, p) ?? []);
}

function checkBlockUse(ctx: RuleContext): Finding[] {
  const spec = findDefaultExports(ctx.sourceFile).at(0)?.spec;
  if (spec === undefined) {
    return []; // static/unit-structure reports the missing block()
  }
  const value = propValue(spec, 'hparams');
  const inner = value && skipOuter(value);
  if (inner === undefined || !ts.isIdentifier(inner) || inner.text !== 'hparams') {
    return [
      ctx.at(
        value ?? spec,
        'block() must pass the exported hparams: `block({ name, hparams, root })`',
      ),
    ];
  }
  return [];
}

export const hparamsRule: Rule = {
  id: 'static/hparams',
  severity: 'error',
  description:
    'hparams is an exported const object of literals, without d/nBlocks/layer, passed to block()',
  run: (ctx) => {
    const found = findHParams(ctx.sourceFile);
    if (found === undefined) {
      return [
        {
          range: ctx.rangeOf(0, 0),
          message: `the file has no hparams: add ${FORM} (\`{}\` if the design has none)`,
        },
      ];
    }
    return [...checkDeclaration(ctx, found.stmt, found.decl), ...checkBlockUse(ctx)];
  },
};
