// A static estimate of a unit's parameter count, from syntax alone: the shapes of its c.param
// calls evaluated with c.d, c.nBlocks and the design's numeric hparams (local consts, Math
// calls and arithmetic followed), plus its children per distinct c.call. The designer uses it
// to size variants like the unit they replace and to skip designs no depth can bring within
// the ladder's parameter tolerance. Undefined when a shape cannot be evaluated.
import ts from 'typescript';
import { findUnitDecls } from '../../units/syntax';
import { parseBlock } from '../../units/tree';
import { readHParams } from './source';

interface Env {
  readonly d: number;
  readonly nBlocks: number;
  readonly hp: ReadonlyMap<string, number>;
  readonly consts: ReadonlyMap<string, ts.Expression>;
}

const MATH: Readonly<Record<string, (...xs: number[]) => number>> = {
  max: Math.max,
  min: Math.min,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  sqrt: Math.sqrt,
};

function binary(op: ts.SyntaxKind, a: number, b: number): number | undefined {
  const K = ts.SyntaxKind;
  const table: Partial<Record<ts.SyntaxKind, number>> = {
    [K.PlusToken]: a + b,
    [K.MinusToken]: a - b,
    [K.AsteriskToken]: a * b,
    [K.SlashToken]: a / b,
    [K.PercentToken]: a % b,
    [K.EqualsEqualsEqualsToken]: Number(a === b),
    [K.ExclamationEqualsEqualsToken]: Number(a !== b),
    [K.LessThanToken]: Number(a < b),
    [K.GreaterThanToken]: Number(a > b),
  };
  return table[op];
}

function evaluate(e: ts.Expression, env: Env, depth = 0): number | undefined {
  if (depth > 30) {
    return undefined;
  }
  const ev = (x: ts.Expression): number | undefined => evaluate(x, env, depth + 1);
  if (ts.isNumericLiteral(e)) {
    return Number(e.text);
  }
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) {
    return ev(e.expression);
  }
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const v = ev(e.operand);
    return v === undefined ? undefined : -v;
  }
  if (ts.isIdentifier(e)) {
    const init = env.consts.get(e.text);
    return init === undefined ? undefined : ev(init);
  }
  if (ts.isPropertyAccessExpression(e)) {
    const t = e.getText();
    if (t === 'c.d') {
      return env.d;
    }
    if (t === 'c.nBlocks') {
      return env.nBlocks;
    }
    return /^c\.hp\.\w+$/.test(t) ? env.hp.get(e.name.text) : undefined;
  }
  if (ts.isElementAccessExpression(e) && /\.shape$/.test(e.expression.getText())) {
    return env.d; // an input width: assume the model width
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) {
    return ev(e.left) ?? ev(e.right);
  }
  if (ts.isBinaryExpression(e)) {
    const [a, b] = [ev(e.left), ev(e.right)];
    return a === undefined || b === undefined ? undefined : binary(e.operatorToken.kind, a, b);
  }
  if (ts.isConditionalExpression(e)) {
    const c = ev(e.condition);
    return c === undefined ? undefined : ev(c !== 0 ? e.whenTrue : e.whenFalse);
  }
  if (ts.isCallExpression(e) && /^Math\.\w+$/.test(e.expression.getText())) {
    const f = Object.entries(MATH).find(([k]) => k === e.expression.getText().slice(5))?.[1];
    const args = e.arguments.map(ev);
    return f === undefined || args.some((a) => a === undefined)
      ? undefined
      : f(...(args as number[]));
  }
  return undefined;
}

function isMethodCall(n: ts.Node, obj: string, method: string): n is ts.CallExpression {
  return (
    ts.isCallExpression(n) &&
    ts.isPropertyAccessExpression(n.expression) &&
    n.expression.name.text === method &&
    n.expression.expression.getText() === obj
  );
}

function unitCount(
  name: string,
  units: ReadonlyMap<string, ts.Node>,
  env: Omit<Env, 'consts'>,
  stack: readonly string[],
): number | undefined {
  const node = units.get(name);
  if (node === undefined || stack.includes(name)) {
    return undefined;
  }
  const consts = new Map<string, ts.Expression>();
  const params = new Map<string, ts.CallExpression>();
  const calls = new Map<string, string>();
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
      consts.set(n.name.text, n.initializer);
    } else if (isMethodCall(n, 'c', 'param')) {
      params.set(n.arguments.at(0)?.getText() ?? '', n);
    } else if (isMethodCall(n, 'c', 'call')) {
      const child = n.arguments.at(0)?.getText() ?? '';
      calls.set(`${child}|${n.arguments.at(3)?.getText() ?? ''}`, child);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  const full: Env = { ...env, consts };
  let total = 0;
  for (const call of params.values()) {
    const shape = call.arguments.at(1);
    if (shape === undefined || !ts.isArrayLiteralExpression(shape)) {
      return undefined;
    }
    const dims = shape.elements.map((x) => evaluate(x, full));
    if (dims.some((x) => x === undefined)) {
      return undefined;
    }
    total += (dims as number[]).reduce((a, b) => a * b, 1);
  }
  for (const child of calls.values()) {
    const n = unitCount(child, units, env, [...stack, name]);
    if (n === undefined) {
      return undefined;
    }
    total += n;
  }
  return total;
}

/** Estimated parameters of unit `name` (with its children) at width d; undefined if unknown. */
export function estimateParams(
  source: string,
  name: string,
  d: number,
  nBlocks = 2,
): number | undefined {
  const sf = parseBlock('block.ts', source);
  const units = new Map(findUnitDecls(sf).map((u) => [u.name, u.call as ts.Node]));
  const hp = new Map<string, number>();
  const none: Env = { d, nBlocks, hp, consts: new Map() };
  for (const [k, v] of readHParams(source)) {
    const st = parseBlock('value.ts', `(${v});`).statements.at(0);
    const n = st && ts.isExpressionStatement(st) ? evaluate(st.expression, none) : undefined;
    if (n !== undefined) {
      hp.set(k, n);
    }
  }
  return unitCount(name, units, { d, nBlocks, hp }, []);
}

/** The laptop rungs' widths, depths and reference counts (src/ladder/rungs.ts). */
const RUNG_SIZES = [
  { d: 48, nBlocks: 2, ref: 55_488 },
  { d: 80, nBlocks: 3, ref: 232_800 },
  { d: 128, nBlocks: 5, ref: 989_440 },
];

/** True when every laptop rung has a depth (1 to 4x its own) within 20% of its reference. */
export function tunable(source: string, root: string): boolean | undefined {
  for (const r of RUNG_SIZES) {
    const p = estimateParams(source, root, r.d, r.nBlocks);
    if (p === undefined) {
      return undefined;
    }
    const ok = Array.from({ length: 4 * r.nBlocks }, (_, i) => i + 1).some(
      (n) => Math.abs((n * p) / r.ref - 1) <= 0.2,
    );
    if (!ok) {
      return false;
    }
  }
  return true;
}
