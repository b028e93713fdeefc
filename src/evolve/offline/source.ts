// Syntax-level edits of block files that the operators are built on: renaming identifiers,
// reading unit statements and hparams entries, adding imports and hparams, inserting and
// removing unit statements. Syntax only (no type check), so each edit costs a parse.
import ts from 'typescript';
import {
  findDefaultExports,
  findUnitDecls,
  propName,
  skipOuter,
  unitNode,
} from '../../units/syntax';
import { parseBlock } from '../../units/tree';

const FILE = 'block.ts';

/** Each unit's full statement text by name, in file order. */
export function unitStatements(source: string): Map<string, string> {
  const sf = parseBlock(FILE, source);
  const out = new Map<string, string>();
  for (const decl of findUnitDecls(sf)) {
    const node = unitNode(decl);
    out.set(decl.name, source.slice(node.getStart(sf), node.end));
  }
  return out;
}

/** Every name declared at the top level of a file (imports, consts, types, functions). */
export function topLevelNames(source: string): Set<string> {
  const sf = parseBlock(FILE, source);
  const names = new Set<string>();
  const add = (n: ts.Node | undefined): void => {
    if (n !== undefined && ts.isIdentifier(n)) {
      names.add(n.text);
    }
  };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const b = st.importClause;
      add(b?.name);
      const nb = b?.namedBindings;
      if (nb && ts.isNamedImports(nb)) {
        nb.elements.forEach((e) => {
          add(e.name);
        });
      } else if (nb) {
        add(nb.name);
      }
    } else if (ts.isVariableStatement(st)) {
      st.declarationList.declarations.forEach((d) => {
        add(d.name);
      });
    } else if (
      ts.isTypeAliasDeclaration(st) ||
      ts.isInterfaceDeclaration(st) ||
      ts.isFunctionDeclaration(st) ||
      ts.isClassDeclaration(st) ||
      ts.isEnumDeclaration(st)
    ) {
      add(st.name);
    }
  }
  return names;
}

/** A name not in `taken`: `base`, else base2, base3, ... */
export function freshName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) {
    return base;
  }
  for (let i = 2; ; i++) {
    if (!taken.has(`${base}${i}`)) {
      return `${base}${i}`;
    }
  }
}

function isDeclaredOrKeyName(node: ts.Identifier): boolean {
  const p = node.parent;
  return (
    (ts.isPropertyAccessExpression(p) && p.name === node) ||
    (ts.isPropertyAssignment(p) && p.name === node) ||
    (ts.isMethodDeclaration(p) && p.name === node) ||
    (ts.isPropertySignature(p) && p.name === node)
  );
}

/**
 * Renames identifiers (not property names) in a snippet by `map`, and string literals equal to
 * an old name (the `name: 'X'` of a unit). Works on any statement list.
 */
export function renameIn(text: string, map: ReadonlyMap<string, string>): string {
  if (map.size === 0) {
    return text;
  }
  const sf = parseBlock(FILE, text);
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !isDeclaredOrKeyName(node)) {
      const to = map.get(node.text);
      if (to !== undefined) {
        edits.push({ start: node.getStart(sf), end: node.end, text: to });
      }
    } else if (ts.isStringLiteral(node)) {
      const to = map.get(node.text);
      if (to !== undefined) {
        edits.push({ start: node.getStart(sf), end: node.end, text: `'${to}'` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return applyEdits(text, edits);
}

/** Renames `hp.old` property accesses to `hp.new` (a hyperparameter key). */
export function renameHParamKeys(text: string, map: ReadonlyMap<string, string>): string {
  if (map.size === 0) {
    return text;
  }
  const sf = parseBlock(FILE, text);
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'hp'
    ) {
      const to = map.get(node.name.text);
      if (to !== undefined) {
        edits.push({ start: node.name.getStart(sf), end: node.name.end, text: to });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return applyEdits(text, edits);
}

/** The hyperparameter keys a snippet reads as `hp.key`. */
export function hparamKeysUsed(text: string): Set<string> {
  return new Set([...text.matchAll(/\bhp\.([A-Za-z_$][\w$]*)/g)].map((m) => m.at(1) ?? ''));
}

export function applyEdits(
  text: string,
  edits: readonly { start: number; end: number; text: string }[],
): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  return out;
}

function hparamsObject(sf: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) {
      continue;
    }
    for (const d of st.declarationList.declarations) {
      const init = d.initializer && skipOuter(d.initializer);
      if (ts.isIdentifier(d.name) && d.name.text === 'hparams' && init) {
        return ts.isObjectLiteralExpression(init) ? init : undefined;
      }
    }
  }
  return undefined;
}

/** The `export const hparams = {...}` entries as key to value text. */
export function readHParams(source: string): Map<string, string> {
  const sf = parseBlock(FILE, source);
  const out = new Map<string, string>();
  for (const p of hparamsObject(sf)?.properties ?? []) {
    const key = propName(p);
    if (key !== undefined && ts.isPropertyAssignment(p)) {
      out.set(key, p.initializer.getText(sf));
    }
  }
  return out;
}

/** Adds `key: value` entries at the end of the hparams object. Throws if there is none. */
export function addHParams(source: string, entries: ReadonlyMap<string, string>): string {
  if (entries.size === 0) {
    return source;
  }
  const sf = parseBlock(FILE, source);
  const obj = hparamsObject(sf);
  if (obj === undefined) {
    throw new Error('the block has no `export const hparams = {...}` to add entries to');
  }
  const lines = [...entries].map(([k, v]) => `  ${k}: ${v},\n`).join('');
  const close = obj.end - 1; // the closing brace
  const before = source.slice(0, close).replace(/[ \t]*$/, '');
  const sep = obj.properties.length > 0 && !obj.properties.hasTrailingComma ? ',\n' : '\n';
  return before.replace(/\n?$/, sep) + lines + source.slice(close);
}

/** Adds `type Name` to the 'blocksmith/gab' import for each name the file uses but lacks. */
export function ensureTypeImports(source: string, names: readonly string[]): string {
  const sf = parseBlock(FILE, source);
  const imp = sf.statements.find(
    (s): s is ts.ImportDeclaration =>
      ts.isImportDeclaration(s) &&
      ts.isStringLiteral(s.moduleSpecifier) &&
      s.moduleSpecifier.text === 'blocksmith/gab',
  );
  const nb = imp?.importClause?.namedBindings;
  if (nb === undefined || !ts.isNamedImports(nb)) {
    return source;
  }
  const have = new Set(nb.elements.map((e) => e.name.text));
  const missing = names.filter((n) => !have.has(n) && new RegExp(`\\b${n}\\b`).test(source));
  if (missing.length === 0) {
    return source;
  }
  const last = nb.elements.at(-1);
  const at = last ? last.end : nb.getStart(sf) + 1;
  const add = missing.map((n) => `${last ? ', ' : ' '}type ${n}`).join('');
  return source.slice(0, at) + add + source.slice(at);
}

/** Inserts statements (joined by blank lines) just before unit `before`'s statement. */
export function insertBeforeUnit(source: string, before: string, texts: readonly string[]): string {
  if (texts.length === 0) {
    return source;
  }
  const sf = parseBlock(FILE, source);
  const decl = findUnitDecls(sf).find((d) => d.name === before);
  if (decl === undefined) {
    throw new Error(`insertBeforeUnit: no unit '${before}' in the block`);
  }
  const at = unitNode(decl).getStart(sf);
  return source.slice(0, at) + texts.join('\n\n') + '\n\n' + source.slice(at);
}

/** Removes the statements of the named units (with the blank line after each). */
export function removeUnits(source: string, names: ReadonlySet<string>): string {
  const sf = parseBlock(FILE, source);
  const edits = findUnitDecls(sf)
    .filter((d) => names.has(d.name))
    .map((d) => {
      const node = unitNode(d);
      // Leading comments (the unit's doc) go with it.
      const start = node.getFullStart();
      let end = node.end;
      while (source[end] === '\n') {
        end++;
      }
      const lead = source.slice(start, node.getStart(sf));
      return { start: start + (lead.match(/^\n*/)?.[0].length ?? 0), end, text: '' };
    });
  return applyEdits(source, edits);
}

/** The design name given to block({ name }), replaced by `name`. */
export function renameDesign(source: string, name: string): string {
  const sf = parseBlock(FILE, source);
  const spec = findDefaultExports(sf).at(0)?.spec;
  const p = spec?.properties.find((q) => propName(q) === 'name');
  if (p === undefined || !ts.isPropertyAssignment(p)) {
    return source;
  }
  const v = p.initializer;
  return applyEdits(source, [{ start: v.getStart(sf), end: v.end, text: `'${name}'` }]);
}
