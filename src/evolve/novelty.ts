// Novelty: a proposal that is a near twin of a design in the tree is refused before it costs a
// verification or a training run. Exact twins (same normalised code) are the store's
// findDuplicate; a near twin has the same code once names are canonical: every name the file
// declares (units and their `name` strings, variables, parameters, types, hyperparameter keys)
// is replaced by its order of first appearance, numbers are compared by value (1e-5 = 0.00001),
// and comments, layout, quote style and the design's own name do not count. So a copy with its
// units renamed and reformatted is caught, while a real edit (another op, another wiring, another
// constant) is not. `maxNumbers` (a setting, default 0) also refuses a design that differs from a
// twin only in that many numeric constants.
import ts from 'typescript';
import { sha256 } from '../store/fingerprint';
import type { DesignStore } from '../store';
import { parseBlock } from '../units/tree';
import { findDefaultExports, rootName } from '../units/syntax';

/** A design's canonical code: the token text with numbers masked, and the numbers in order. */
export interface Canonical {
  readonly masked: string;
  readonly numbers: readonly number[];
}

export interface NearTwin {
  readonly id: string;
  /** Numeric constants that differ (0: the same code up to names and layout). */
  readonly numbers: number;
}

const CLOSERS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.CloseBraceToken,
]);

function leaves(node: ts.Node, sf: ts.SourceFile, out: ts.Node[]): ts.Node[] {
  if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) {
    return out;
  }
  const children = node.getChildren(sf);
  if (children.length === 0) {
    out.push(node);
  }
  children.forEach((c) => leaves(c, sf, out));
  return out;
}

const isHparams = (s: ts.Statement): s is ts.VariableStatement =>
  ts.isVariableStatement(s) &&
  s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === 'hparams');

/** Every name the file declares: bindings, parameters, types, and hyperparameter keys. */
function declaredNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (
      (ts.isVariableDeclaration(n) ||
        ts.isParameter(n) ||
        ts.isBindingElement(n) ||
        ts.isFunctionDeclaration(n) ||
        ts.isTypeAliasDeclaration(n) ||
        ts.isInterfaceDeclaration(n)) &&
      n.name !== undefined &&
      ts.isIdentifier(n.name)
    ) {
      names.add(n.name.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  for (const p of hparamsObject(sf)?.properties ?? []) {
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) {
      names.add(p.name.text);
    }
  }
  names.delete('hparams');
  return names;
}

/** Whether identifier `t` is a property name that is not ours to rename (ops.silu, c.d, {normal}). */
function isForeignProperty(t: ts.Identifier, hpObject: ts.Node | undefined): boolean {
  const p = t.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === t) {
    const obj = p.expression;
    const hp = ts.isIdentifier(obj)
      ? obj.text
      : ts.isPropertyAccessExpression(obj)
        ? obj.name.text
        : '';
    return hp !== 'hp';
  }
  if (ts.isPropertyAssignment(p) && p.name === t) {
    return p.parent !== hpObject;
  }
  return false;
}

function hparamsObject(sf: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  const init = sf.statements.find(isHparams)?.declarationList.declarations.at(0)?.initializer;
  return init !== undefined && ts.isObjectLiteralExpression(init) ? init : undefined;
}

/** The canonical code of a block file (see the file header). */
export function canonical(source: string): Canonical {
  const sf = parseBlock('block.ts', source);
  const declared = declaredNames(sf);
  const hpObject = hparamsObject(sf);
  const order = new Map<string, string>();
  const canon = (name: string): string => {
    if (!order.has(name)) {
      order.set(name, `$${order.size}`);
    }
    return order.get(name) ?? name;
  };
  const numbers: number[] = [];
  const parts: string[] = [];
  const statements = sf.statements.filter(
    (s) => !ts.isImportDeclaration(s) && !ts.isExportAssignment(s),
  );
  for (const s of statements) {
    const toks = leaves(s, sf, []);
    toks.forEach((t, i) => {
      const next = toks.at(i + 1);
      if (t.kind === ts.SyntaxKind.CommaToken && next !== undefined && CLOSERS.has(next.kind)) {
        return;
      }
      if (t.kind === ts.SyntaxKind.SemicolonToken && !ts.isForStatement(t.parent)) {
        return;
      }
      if (ts.isNumericLiteral(t)) {
        numbers.push(Number(t.text));
        parts.push('#');
      } else if (ts.isIdentifier(t) && declared.has(t.text) && !isForeignProperty(t, hpObject)) {
        parts.push(canon(t.text));
      } else if (ts.isStringLiteral(t)) {
        parts.push(declared.has(t.text) ? canon(t.text) : JSON.stringify(t.text));
      } else if (t.getText(sf) !== '') {
        parts.push(t.getText(sf));
      }
    });
  }
  const root = rootName(findDefaultExports(sf).at(0)?.spec);
  parts.push('root', root === undefined ? '?' : canon(root));
  return { masked: parts.join(' '), numbers };
}

const cache = new Map<string, Canonical>();

/** canonical(), remembered by the source's hash (the tree's designs are read at every step). */
export function canonicalCached(source: string): Canonical {
  const key = sha256(source);
  let c = cache.get(key);
  if (c === undefined) {
    c = canonical(source);
    if (cache.size > 5000) {
      cache.clear();
    }
    cache.set(key, c);
  }
  return c;
}

/** How many numbers differ between two canonical forms with the same masked code. */
function numberDiffs(a: Canonical, b: Canonical): number {
  return a.numbers.reduce((n, x, i) => n + (Object.is(x, b.numbers[i]) ? 0 : 1), 0);
}

/**
 * The design of `store` that `source` is a near twin of (fewest differing numbers first), or
 * undefined. `maxNumbers`: numeric constants that may differ and still count as a twin.
 */
export function findNearTwin(
  store: DesignStore,
  source: string,
  maxNumbers = 0,
): NearTwin | undefined {
  let mine: Canonical;
  try {
    mine = canonicalCached(source);
  } catch {
    return undefined; // unparsable: the verifier will say why
  }
  let best: NearTwin | undefined;
  for (const d of store.list()) {
    let other: Canonical;
    try {
      other = canonicalCached(store.source(d.id));
    } catch {
      continue; // a design folder damaged by hand: the store reports it
    }
    if (other.masked !== mine.masked) {
      continue;
    }
    const n = numberDiffs(mine, other);
    if (n <= maxNumbers && (best === undefined || n < best.numbers)) {
      best = { id: d.id, numbers: n };
    }
  }
  return best;
}

/** The refusal's words for a near twin. */
export function nearTwinReason(t: NearTwin): string {
  return t.numbers === 0
    ? `near duplicate of ${t.id}: the same code up to names, layout and comments`
    : `near duplicate of ${t.id}: the same code but for ${t.numbers} number(s)`;
}
