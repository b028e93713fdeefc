// Syntax-only recognisers for the shapes a block file is made of (contract.d.ts header):
// `const X = unit({...})` statements and `export default block({...})`. Shared by the unit
// tree reader and the static checks, so both agree on what a unit is.
import ts from 'typescript';

/** A top-level `const X = unit(...)` declaration. */
export interface UnitDecl {
  /** The const's name (the unit's name when the file is well formed). */
  readonly name: string;
  readonly statement: ts.VariableStatement;
  readonly declaration: ts.VariableDeclaration;
  readonly call: ts.CallExpression;
  /** The object literal passed to unit(), if it is one. */
  readonly spec: ts.ObjectLiteralExpression | undefined;
}

/** An `export default ...` statement, with the block({...}) call when it is one. */
export interface DefaultExport {
  readonly statement: ts.ExportAssignment;
  readonly call: ts.CallExpression | undefined;
  readonly spec: ts.ObjectLiteralExpression | undefined;
}

/** A call whose callee is the plain identifier `name` (e.g. `unit(...)`). */
export function isCallTo(node: ts.Node, name: string): node is ts.CallExpression {
  return (
    ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name
  );
}

/** Strips parentheses, `as` / `satisfies` casts and non-null assertions. */
export function skipOuter(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isTypeAssertionExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

function firstObjectArg(call: ts.CallExpression): ts.ObjectLiteralExpression | undefined {
  const arg = call.arguments.at(0);
  if (arg === undefined) {
    return undefined;
  }
  const inner = skipOuter(arg);
  return ts.isObjectLiteralExpression(inner) ? inner : undefined;
}

/** Every top-level `const X = unit(...)`, in file order. */
export function findUnitDecls(sf: ts.SourceFile): UnitDecl[] {
  const out: UnitDecl[] = [];
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) {
      continue;
    }
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer && skipOuter(declaration.initializer);
      if (init && isCallTo(init, 'unit') && ts.isIdentifier(declaration.name)) {
        const spec = firstObjectArg(init);
        out.push({ name: declaration.name.text, statement, declaration, call: init, spec });
      }
    }
  }
  return out;
}

/** Every top-level `export default ...`. */
export function findDefaultExports(sf: ts.SourceFile): DefaultExport[] {
  const out: DefaultExport[] = [];
  for (const statement of sf.statements) {
    if (ts.isExportAssignment(statement) && statement.isExportEquals !== true) {
      const expr = skipOuter(statement.expression);
      const call = isCallTo(expr, 'block') ? expr : undefined;
      out.push({ statement, call, spec: call && firstObjectArg(call) });
    }
  }
  return out;
}

/** The property `key` of an object literal (plain, shorthand or method), if present. */
export function getProp(
  obj: ts.ObjectLiteralExpression,
  key: string,
): ts.ObjectLiteralElementLike | undefined {
  return obj.properties.find((p) => propName(p) === key);
}

/** A property's literal name, or undefined for computed names and spreads. */
export function propName(p: ts.ObjectLiteralElementLike): string | undefined {
  if (ts.isSpreadAssignment(p)) {
    return undefined;
  }
  const n = p.name;
  return ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) ? n.text : undefined;
}

/** The value expression of `key: value` or shorthand `key`; undefined for methods/accessors. */
export function propValue(obj: ts.ObjectLiteralExpression, key: string): ts.Expression | undefined {
  const p = getProp(obj, key);
  if (p === undefined) {
    return undefined;
  }
  if (ts.isPropertyAssignment(p)) {
    return p.initializer;
  }
  return ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
}

/** The string of a string literal or no-substitution template, else undefined. */
export function literalString(expr: ts.Expression | undefined): string | undefined {
  if (expr === undefined) {
    return undefined;
  }
  const e = skipOuter(expr);
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? e.text : undefined;
}

/** The elements of `children: [...]`, or undefined when it is missing or not an array literal. */
export function childElements(
  spec: ts.ObjectLiteralExpression | undefined,
): readonly ts.Expression[] | undefined {
  const value = spec && propValue(spec, 'children');
  if (value === undefined) {
    return undefined;
  }
  const arr = skipOuter(value);
  return ts.isArrayLiteralExpression(arr) ? arr.elements : undefined;
}

/** The identifier named by `root` in block({...}), if it is a plain identifier. */
export function rootName(spec: ts.ObjectLiteralExpression | undefined): string | undefined {
  const value = spec && propValue(spec, 'root');
  if (value === undefined) {
    return undefined;
  }
  const e = skipOuter(value);
  return ts.isIdentifier(e) ? e.text : undefined;
}

/** The text range a unit occupies: its statement, or just its declaration if it shares one. */
export function unitNode(decl: UnitDecl): ts.Node {
  return decl.statement.declarationList.declarations.length === 1
    ? decl.statement
    : decl.declaration;
}
