// static/forbidden-global: block code touches no global but the pure built-ins of globals.ts.
// Identifiers are resolved with the checker (a lib declaration not on the allowlist is
// forbidden; a local of the same name is fine); host names that do not even exist in the ES2022
// program get this message too. Member names that reach prototypes are matched by name, so
// `(x as any).constructor` is caught whatever the type says.
import ts from 'typescript';
import {
  ALLOWED_GLOBALS,
  FORBIDDEN_MEMBERS,
  HOST_GLOBALS,
  MEMBER_RULES,
  NO_MEMBERS,
  OBJECT_MUTATORS,
  whyForbidden,
} from '../globals';
import { walkValues, type Finding, type Rule, type RuleContext } from '../rule';
import { skipOuter } from '../../../units/syntax';

/** False for declaration names, property names after a dot, labels: not references to a binding. */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isShorthandPropertyAssignment(p)) {
    return p.name === id;
  }
  if ('name' in p && p.name === id) {
    return false;
  }
  if ('propertyName' in p && p.propertyName === id) {
    return false;
  }
  return !('label' in p && p.label === id);
}

function symbolOf(ctx: RuleContext, id: ts.Identifier): ts.Symbol | undefined {
  return ts.isShorthandPropertyAssignment(id.parent)
    ? ctx.checker.getShorthandAssignmentValueSymbol(id.parent)
    : ctx.checker.getSymbolAtLocation(id);
}

/** Declared only by the lib files (or built into the checker, like globalThis). */
function isGlobal(ctx: RuleContext, symbol: ts.Symbol | undefined): boolean {
  const decls = symbol?.declarations ?? [];
  return decls.every((d) => ctx.program.isSourceFileDefaultLibrary(d.getSourceFile()));
}

function forbidden(ctx: RuleContext, node: ts.Node, name: string): Finding {
  return ctx.at(node, `\`${name}\` is not available in block code: ${whyForbidden(name)}`);
}

/** The literal member name of `G.m` or `G['m']` when `id` is G, else undefined. */
function memberOf(id: ts.Identifier): { access: ts.Expression; name: string } | undefined {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.expression === id) {
    return { access: p, name: p.name.text };
  }
  if (
    ts.isElementAccessExpression(p) &&
    p.expression === id &&
    ts.isStringLiteralLike(p.argumentExpression)
  ) {
    return { access: p, name: p.argumentExpression.text };
  }
  return undefined;
}

/** Object.assign({}, ...) and friends are fine on a fresh literal: nothing shared is mutated. */
function onFreshLiteral(access: ts.Expression): boolean {
  const call = access.parent;
  const target =
    ts.isCallExpression(call) && call.expression === access ? call.arguments.at(0) : undefined;
  if (target === undefined) {
    return false;
  }
  const t = skipOuter(target);
  return ts.isObjectLiteralExpression(t) || ts.isArrayLiteralExpression(t);
}

function checkRestricted(
  ctx: RuleContext,
  id: ts.Identifier,
  allowed: (m: string) => boolean,
): Finding | undefined {
  const member = memberOf(id);
  if (member === undefined) {
    return ctx.at(
      id,
      `\`${id.text}\` may be used only as ${id.text}.member(...): aliasing it hides what is called`,
    );
  }
  if (
    allowed(member.name) ||
    (id.text === 'Object' && OBJECT_MUTATORS.has(member.name) && onFreshLiteral(member.access))
  ) {
    return undefined;
  }
  return forbidden(ctx, member.access, `${id.text}.${member.name}`);
}

function checkIdentifier(ctx: RuleContext, id: ts.Identifier): Finding | undefined {
  if (!isReference(id)) {
    return undefined;
  }
  const name = id.text;
  if (name === 'require' && ts.isCallExpression(id.parent) && id.parent.expression === id) {
    return undefined; // static/forbidden-import reports require() calls
  }
  const symbol = symbolOf(ctx, id);
  if (!isGlobal(ctx, symbol)) {
    return undefined;
  }
  if (HOST_GLOBALS.has(name)) {
    return forbidden(ctx, id, name);
  }
  if (symbol === undefined || (symbol.declarations ?? []).length === 0) {
    return undefined; // unknown names are compile errors; `undefined`, `arguments` are fine
  }
  if (!ALLOWED_GLOBALS.has(name)) {
    return forbidden(ctx, id, name);
  }
  const member = NO_MEMBERS.has(name) ? memberOf(id) : undefined;
  if (member !== undefined) {
    return forbidden(ctx, member.access, `${name}.${member.name}`);
  }
  const rule = MEMBER_RULES.get(name);
  return rule && checkRestricted(ctx, id, rule);
}

/** `declare ...` and namespaces make the checker believe in values that do not exist at run time. */
function checkAmbient(ctx: RuleContext, node: ts.Node): Finding | undefined {
  if (ts.isModuleDeclaration(node)) {
    return ctx.at(
      node.name,
      'namespaces and `declare global`/`declare module` are not allowed in block code: use plain top-level consts and functions',
    );
  }
  const mods = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
  const declare = mods.find((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
  return declare
    ? ctx.at(
        declare,
        '`declare` promises a value the block cannot have (nothing but the contract exists at run time); remove it',
      )
    : undefined;
}

function memberFinding(ctx: RuleContext, node: ts.Node, name: string): Finding {
  return ctx.at(
    node,
    `access to \`${name}\` reaches prototypes or constructors, which block code may not touch; remove it`,
  );
}

/** `x[k]`: literal keys are checked by name; number keys are fine; other string keys are not. */
function checkElementAccess(
  ctx: RuleContext,
  node: ts.ElementAccessExpression,
): Finding | undefined {
  const key = node.argumentExpression;
  if (ts.isStringLiteralLike(key)) {
    return FORBIDDEN_MEMBERS.has(key.text) ? memberFinding(ctx, key, key.text) : undefined;
  }
  const type = ctx.checker.getTypeAtLocation(key);
  const parts = type.isUnion() ? type.types : [type];
  if (parts.every((t) => (t.flags & ts.TypeFlags.NumberLike) !== 0 || t.isStringLiteral())) {
    const bad = parts.find((t) => t.isStringLiteral() && FORBIDDEN_MEMBERS.has(t.value));
    return bad?.isStringLiteral() ? memberFinding(ctx, key, bad.value) : undefined;
  }
  return ctx.at(
    key,
    'computed member access with a non-literal string key could reach constructors or prototypes: index with a number or a literal key',
  );
}

/** `const { constructor: F } = f` reaches the same members as `f.constructor`. */
function checkBinding(ctx: RuleContext, el: ts.BindingElement): Finding | undefined {
  if (!ts.isObjectBindingPattern(el.parent)) {
    return undefined;
  }
  const key = el.propertyName ?? el.name;
  if (ts.isComputedPropertyName(key)) {
    return ts.isStringLiteralLike(key.expression)
      ? FORBIDDEN_MEMBERS.has(key.expression.text)
        ? memberFinding(ctx, key, key.expression.text)
        : undefined
      : ctx.at(
          key,
          'a computed key in a destructuring pattern could reach constructors or prototypes: name the property literally',
        );
  }
  const name = ts.isIdentifier(key) || ts.isStringLiteralLike(key) ? key.text : undefined;
  return name !== undefined && FORBIDDEN_MEMBERS.has(name)
    ? memberFinding(ctx, key, name)
    : undefined;
}

/** import.meta, `this` outside any function, `debugger`: nothing a block may touch or need. */
function checkSyntaxEscape(ctx: RuleContext, node: ts.Node): Finding | undefined {
  if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
    return ctx.at(
      node,
      `\`import.meta\` is not available in block code: ${whyForbidden('process')}`,
    );
  }
  if (
    node.kind === ts.SyntaxKind.ThisKeyword &&
    ts.findAncestor(node, (n) => ts.isFunctionLike(n) && !ts.isArrowFunction(n)) === undefined
  ) {
    return ctx.at(node, '`this` at module level reaches the module object: remove it');
  }
  if (ts.isDebuggerStatement(node)) {
    return ctx.at(node, '`debugger` statements are not allowed in block code: remove it');
  }
  return undefined;
}

function checkNode(ctx: RuleContext, node: ts.Node): Finding | undefined {
  const ambient = checkAmbient(ctx, node) ?? checkSyntaxEscape(ctx, node);
  if (ambient !== undefined) {
    return ambient;
  }
  if (ts.isBindingElement(node)) {
    return checkBinding(ctx, node);
  }
  if (ts.isIdentifier(node)) {
    return checkIdentifier(ctx, node);
  }
  if (ts.isPropertyAccessExpression(node) && FORBIDDEN_MEMBERS.has(node.name.text)) {
    return memberFinding(ctx, node.name, node.name.text);
  }
  if (ts.isElementAccessExpression(node)) {
    return checkElementAccess(ctx, node);
  }
  if (
    ts.isPropertyAssignment(node) &&
    ts.isIdentifier(node.name) &&
    node.name.text === '__proto__'
  ) {
    return memberFinding(ctx, node.name, '__proto__');
  }
  return undefined;
}

export const forbiddenGlobalRule: Rule = {
  id: 'static/forbidden-global',
  severity: 'error',
  description:
    'block code uses only pure built-ins (no host, timers, clock, randomness or prototype access)',
  run: (ctx) => {
    const out: Finding[] = [];
    walkValues(ctx.sourceFile, (node) => {
      const f = checkNode(ctx, node);
      if (f !== undefined) {
        out.push(f);
      }
    });
    return out;
  },
};
