// The unit tree of a block file, read from syntax alone (no program, no type check: fast enough
// to run on every keystroke), plus the two text operations mutation is built on: each unit's
// normalised text (to tell whether a unit changed) and replacing one unit's statement.
import ts from 'typescript';
import {
  childElements,
  findDefaultExports,
  findUnitDecls,
  literalString,
  propValue,
  rootName,
  skipOuter,
  unitNode,
  type UnitDecl,
} from './syntax';

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface UnitNode {
  readonly name: string;
  /** Names of the units listed in its `children`, in order. */
  readonly children: readonly string[];
  /** The whole `const Name = unit({...})` statement. */
  readonly range: { readonly start: Position; readonly end: Position };
}

export interface UnitTree {
  /** The `name` given to block({...}), if literal. */
  readonly design: string | undefined;
  /** The root unit's name, from block({ root }). */
  readonly root: string | undefined;
  readonly units: readonly UnitNode[];
}

/** Parses a block file without binding: the cheapest way to a syntax tree. */
export function parseBlock(fileName: string, source: string): ts.SourceFile {
  return ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function position(sf: ts.SourceFile, pos: number): Position {
  const lc = sf.getLineAndCharacterOfPosition(pos);
  return { line: lc.line + 1, column: lc.character + 1 };
}

function childNames(decl: UnitDecl): string[] {
  const elements = childElements(decl.spec) ?? [];
  return elements.flatMap((e) => {
    const inner = skipOuter(e);
    return ts.isIdentifier(inner) ? [inner.text] : [];
  });
}

/** Reads the unit tree of a block file with the compiler API (syntax only: fast, no type check). */
export function readUnitTree(fileName: string, source: string): UnitTree {
  const sf = parseBlock(fileName, source);
  const def = findDefaultExports(sf).at(0);
  const units = findUnitDecls(sf).map((decl): UnitNode => {
    const node = unitNode(decl);
    return {
      name: decl.name,
      children: childNames(decl),
      range: { start: position(sf, node.getStart(sf)), end: position(sf, node.end) },
    };
  });
  return {
    design: def?.spec && literalString(propValue(def.spec, 'name')),
    root: rootName(def?.spec),
    units,
  };
}

/**
 * Every unit once, depth-first from the root in `children` order (depth 0 = the root); the units
 * the root does not reach come last, each at depth 0 with its own unreached children below it.
 */
export function unitsDepthFirst(tree: UnitTree): { unit: UnitNode; depth: number }[] {
  const byName = new Map(tree.units.map((u) => [u.name, u]));
  const out: { unit: UnitNode; depth: number }[] = [];
  const seen = new Set<string>();
  const visit = (name: string, depth: number): void => {
    const u = byName.get(name);
    if (u === undefined || seen.has(name)) {
      return;
    }
    seen.add(name);
    out.push({ unit: u, depth });
    u.children.forEach((c) => {
      visit(c, depth + 1);
    });
  };
  if (tree.root !== undefined) {
    visit(tree.root, 0);
  }
  tree.units.forEach((u) => {
    visit(u.name, 0);
  });
  return out;
}

/** The names of the units reachable from `root` through `children` (root included). */
export function reachableUnits(tree: UnitTree): Set<string> {
  const byName = new Map(tree.units.map((u) => [u.name, u]));
  const seen = new Set<string>();
  const stack = tree.root === undefined ? [] : [tree.root];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    const u = byName.get(name);
    if (u === undefined || seen.has(name)) {
      continue;
    }
    seen.add(name);
    stack.push(...u.children);
  }
  return seen;
}

const CLOSERS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.CloseBraceToken,
]);

/** The leaf tokens of `node` in order, without comments, JSDoc or trivia. */
function tokens(node: ts.Node, sf: ts.SourceFile, out: ts.Node[]): ts.Node[] {
  if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) {
    return out;
  }
  const children = node.getChildren(sf);
  if (children.length === 0) {
    out.push(node);
  }
  for (const child of children) {
    tokens(child, sf, out);
  }
  return out;
}

/**
 * A node's text as its tokens joined by single spaces, so that comments, layout, quote style,
 * trailing commas and statement semicolons (all a formatter may change) do not count.
 */
export function normalisedText(node: ts.Node, sf: ts.SourceFile): string {
  const toks = tokens(node, sf, []);
  const kept = toks.filter((t, i) => {
    const next = toks.at(i + 1);
    if (t.kind === ts.SyntaxKind.CommaToken) {
      return next === undefined || !CLOSERS.has(next.kind);
    }
    return t.kind !== ts.SyntaxKind.SemicolonToken || ts.isForStatement(t.parent);
  });
  return kept
    .map((t) => (ts.isStringLiteral(t) ? JSON.stringify(t.text) : t.getText(sf)))
    .filter((text) => text !== '')
    .join(' ');
}

/** Each unit's normalised text (normalisedText), by unit name: equal texts mean unchanged units. */
export function unitTexts(fileName: string, source: string): Map<string, string> {
  const sf = parseBlock(fileName, source);
  const out = new Map<string, string>();
  for (const decl of findUnitDecls(sf)) {
    out.set(decl.name, normalisedText(unitNode(decl), sf));
  }
  return out;
}

/**
 * Replaces the statement of unit `name` (from its first token to its end, leading comments kept)
 * with `newText`. Throws if the file has no such unit.
 */
export function replaceUnit(
  fileName: string,
  source: string,
  name: string,
  newText: string,
): string {
  const sf = parseBlock(fileName, source);
  const decl = findUnitDecls(sf).find((d) => d.name === name);
  if (decl === undefined) {
    const known = findUnitDecls(sf)
      .map((d) => d.name)
      .join(', ');
    throw new Error(
      `replaceUnit: ${fileName} has no unit '${name}' (units: ${known || 'none'}); ` +
        'pick one of its units, declared as a top-level `const X = unit({...})`',
    );
  }
  const node = unitNode(decl);
  return source.slice(0, node.getStart(sf)) + newText + source.slice(node.end);
}
