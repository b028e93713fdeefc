// static/module-state: a block keeps no state between calls. The module is evaluated once and
// shared by every block of the stack and every step, so top-level `let`/`var`, mutation of
// module-level bindings (or of `this`, the unit object), classes and async code are refused.
import ts from 'typescript';
import { walkValues, type Finding, type Rule, type RuleContext } from '../rule';
import { skipOuter } from '../../../units/syntax';

/** Methods that mutate arrays, maps and sets in place. */
const MUTATING_METHODS: ReadonlySet<string> = new Set([
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
  'set',
  'add',
  'delete',
  'clear',
]);

const ASSIGNMENTS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.AsteriskAsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken,
  ts.SyntaxKind.PercentEqualsToken,
  ts.SyntaxKind.LessThanLessThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.AmpersandEqualsToken,
  ts.SyntaxKind.BarEqualsToken,
  ts.SyntaxKind.CaretEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

const STATELESS =
  'a block must keep no state between calls (the module is shared by every block and step)';

/** The identifier or `this` at the root of a.b[c].d, or undefined. */
function rootOf(expr: ts.Expression): ts.Expression | undefined {
  let e = skipOuter(expr);
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    e = skipOuter(e.expression);
  }
  return ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword ? e : undefined;
}

/** True when `target`'s root binding lives at module level, is a built-in, or is `this`. */
function isModuleLevel(ctx: RuleContext, target: ts.Expression): boolean {
  const root = rootOf(target);
  if (root === undefined) {
    return false;
  }
  if (!ts.isIdentifier(root)) {
    return true;
  }
  const sym = ctx.checker.getSymbolAtLocation(root);
  const decls = sym?.declarations ?? [];
  if (decls.some((d) => ctx.program.isSourceFileDefaultLibrary(d.getSourceFile()))) {
    return true; // a built-in such as Array.from or Math.PI: shared by every module
  }
  return decls.some((d) => {
    if (d.getSourceFile() !== ctx.sourceFile) {
      return false;
    }
    const stmt = ts.isVariableDeclaration(d) ? d.parent.parent : d;
    return (
      stmt.parent === ctx.sourceFile ||
      ts.isImportSpecifier(d) ||
      ts.isImportClause(d) ||
      ts.isNamespaceImport(d)
    );
  });
}

/** Methods that return a new array (never their receiver, unlike sort, reverse and fill). */
const COPYING_METHODS: ReadonlySet<string> = new Set([
  'map',
  'filter',
  'slice',
  'concat',
  'flat',
  'flatMap',
  'split',
]);

const IN_PLACE: ReadonlySet<string> = new Set(['fill', 'sort', 'reverse', 'copyWithin']);

/** A fresh value: a literal, `new ...`, Array.from / Array.of, an op's result, a copying method's. */
function isFreshValue(init: ts.Expression | undefined): boolean {
  const e = init && skipOuter(init);
  if (e === undefined) {
    return false;
  }
  if (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e) || ts.isNewExpression(e)) {
    return true;
  }
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) {
    return false;
  }
  const recv = e.expression.expression;
  const method = e.expression.name.text;
  if (ts.isIdentifier(recv) && ['Array', 'ops'].includes(recv.text)) {
    return recv.text === 'ops' || ['from', 'of'].includes(method);
  }
  // fill, sort and reverse return their receiver: fresh when it is.
  return COPYING_METHODS.has(method) || (IN_PLACE.has(method) && isFreshValue(recv));
}

/**
 * Whether the object `a.b` / `a[i]` mutates is a local const that the same function created
 * fresh. Anything else (a parameter such as c.hp, a value a call returned such as c.param(...),
 * an alias, a closure variable of an outer function) may outlive the call and carry state.
 */
function isFreshLocal(ctx: RuleContext, target: ts.Expression, at: ts.Node): boolean {
  if (isFreshValue(target)) {
    return true; // new Array(n).fill(0)
  }
  const root = rootOf(target);
  if (root === undefined || !ts.isIdentifier(root)) {
    return false;
  }
  const decl = ctx.checker.getSymbolAtLocation(root)?.valueDeclaration;
  if (
    decl === undefined ||
    !ts.isVariableDeclaration(decl) ||
    !ts.isIdentifier(decl.name) ||
    (decl.parent.flags & ts.NodeFlags.Const) === 0
  ) {
    return false;
  }
  const home = ts.findAncestor(decl, ts.isFunctionLike);
  return (
    home !== undefined &&
    home === ts.findAncestor(at, ts.isFunctionLike) &&
    isFreshValue(decl.initializer)
  );
}

/** Arrays, maps and sets (or `any`): where the mutating method names mean mutation. */
function isCollection(ctx: RuleContext, expr: ts.Expression): boolean {
  const type = ctx.checker.getTypeAtLocation(expr);
  if (
    (type.flags & ts.TypeFlags.Any) !== 0 ||
    ctx.checker.isArrayType(type) ||
    ctx.checker.isTupleType(type)
  ) {
    return true;
  }
  const name = type.getSymbol()?.getName();
  return name !== undefined && ['Map', 'Set', 'WeakMap', 'WeakSet'].includes(name);
}

function mutationTarget(ctx: RuleContext, node: ts.Node): ts.Expression | undefined {
  if (ts.isBinaryExpression(node) && ASSIGNMENTS.has(node.operatorToken.kind)) {
    return node.left;
  }
  if (
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    [ts.SyntaxKind.PlusPlusToken, ts.SyntaxKind.MinusMinusToken].includes(node.operator)
  ) {
    return node.operand;
  }
  if (ts.isDeleteExpression(node)) {
    return node.expression;
  }
  if (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    MUTATING_METHODS.has(node.expression.name.text) &&
    isCollection(ctx, node.expression.expression)
  ) {
    return node.expression.expression;
  }
  return undefined;
}

function isAsync(node: ts.Node): boolean {
  const mods = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
  return mods.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

function nodeFinding(ctx: RuleContext, node: ts.Node): Finding | undefined {
  if (
    ts.isVariableStatement(node) &&
    node.parent === ctx.sourceFile &&
    (node.declarationList.flags & ts.NodeFlags.Const) === 0
  ) {
    return ctx.at(
      node.declarationList.getFirstToken(ctx.sourceFile) ?? node,
      `top-level \`let\`/\`var\` is mutable module state: ${STATELESS}; use \`const\`, or move it inside forward`,
    );
  }
  if (ts.isClassLike(node)) {
    return ctx.at(
      node,
      `classes carry state and prototypes: ${STATELESS}; write units and plain functions`,
    );
  }
  if (
    isAsync(node) ||
    ts.isAwaitExpression(node) ||
    (ts.isForOfStatement(node) && node.awaitModifier !== undefined)
  ) {
    return ctx.at(node, 'async code: a block runs synchronously, op by op; remove async/await');
  }
  const target = mutationTarget(ctx, node);
  const inner = target && skipOuter(target);
  const inPlace =
    inner !== undefined &&
    (ts.isCallExpression(node) ||
      ts.isPropertyAccessExpression(inner) ||
      ts.isElementAccessExpression(inner));
  if (inner !== undefined && inPlace && !isFreshLocal(ctx, inner, node)) {
    const what = rootOf(inner)?.getText(ctx.sourceFile) ?? inner.getText(ctx.sourceFile);
    return ctx.at(
      node,
      `this mutates \`${what}\`, which is not an object this function created: ${STATELESS}; mutate only a local const made here (\`const out = []\`, \`{}\`, \`new Map()\`), or compute a new value`,
    );
  }
  if (target !== undefined && isModuleLevel(ctx, target)) {
    const what = rootOf(target)?.getText(ctx.sourceFile) ?? 'it';
    return ctx.at(
      node,
      `this mutates \`${what}\`, which outlives the call: ${STATELESS}; compute a new local value instead`,
    );
  }
  return undefined;
}

export const moduleStateRule: Rule = {
  id: 'static/module-state',
  severity: 'error',
  description:
    'no module-level mutable state (let/var, mutation of module bindings), classes or async code',
  run: (ctx) => {
    const out: Finding[] = [];
    walkValues(ctx.sourceFile, (node) => {
      const f = nodeFinding(ctx, node);
      if (f !== undefined) {
        out.push(f);
      }
    });
    return out;
  },
};
