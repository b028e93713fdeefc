// Quick fixes for static/unit-structure findings that have one obvious repair (no `vscode` here):
// a missing `export default block({...})`, a unit's `name` that differs from its const, a child
// called but not listed in `children`, and a child listed but never called (or listed twice).
import { basename, dirname } from 'node:path';
import ts from 'typescript';
import { childElements, findUnitDecls, getProp, type UnitDecl } from '../../units/syntax';
import {
  appendListElement,
  nodeAt,
  removeListElement,
  type Fix,
  type FindingRef,
  type TextEdit,
} from './diag-edits';

/** The fixes for one static/unit-structure finding; [] when it is not one of the mechanical ones. */
export function unitStructureFixes(sf: ts.SourceFile, f: FindingRef): Fix[] {
  const msg = f.message;
  if (msg.startsWith('the file has no default export')) {
    return defaultExportFix(sf);
  }
  let m = /^unit name '[^']*' must equal its const name '([^']+)'/.exec(msg);
  if (m !== null) {
    return renameFix(sf, f, m[1]);
  }
  m = /^unit '([^']+)' needs a literal `name:/.exec(msg);
  if (m !== null) {
    return nameFix(sf, m[1]);
  }
  m = /^unit '([^']+)' calls '([^']+)', which is not in its children/.exec(msg);
  if (m !== null) {
    return addChildFix(sf, m[1], m[2]);
  }
  m = /^unit '[^']+' lists '([^']+)' (in children but never runs it|twice in children)/.exec(msg);
  if (m !== null) {
    return removeChildFix(sf, f, m[1]);
  }
  return [];
}

/** The unit no other unit lists as a child (the last such one when several are). */
function rootCandidate(decls: readonly UnitDecl[]): string | undefined {
  const listed = new Set(
    decls.flatMap((d) => (childElements(d.spec) ?? []).filter(ts.isIdentifier).map((e) => e.text)),
  );
  return decls.filter((d) => !listed.has(d.name)).at(-1)?.name ?? decls.at(-1)?.name;
}

/** A kebab-case design name from designs/<id>/block.ts, else 'my-design'. */
function designName(fileName: string): string {
  const dir = basename(dirname(fileName))
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z0-9]+(-[a-z0-9]+)*$/.test(dir) && basename(fileName) === 'block.ts'
    ? dir
    : 'my-design';
}

/** Whether the file declares a top-level `hparams` value. */
function hasHparams(sf: ts.SourceFile): boolean {
  return sf.statements.some(
    (s) =>
      ts.isVariableStatement(s) &&
      s.declarationList.declarations.some(
        (d) => ts.isIdentifier(d.name) && d.name.text === 'hparams',
      ),
  );
}

/** `block` added to the import from 'blocksmith/gab' when it is not imported yet. */
function importBlock(sf: ts.SourceFile): TextEdit[] {
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier)) {
      continue;
    }
    const bindings = s.importClause?.namedBindings;
    if (s.moduleSpecifier.text !== 'blocksmith/gab' || bindings === undefined) {
      continue;
    }
    if (!ts.isNamedImports(bindings)) {
      return [];
    }
    if (bindings.elements.some((e) => e.name.text === 'block')) {
      return [];
    }
    return [appendListElement(bindings.elements, bindings.end - 1, 'block')];
  }
  return [{ start: 0, end: 0, newText: "import { block } from 'blocksmith/gab';\n" }];
}

function defaultExportFix(sf: ts.SourceFile): Fix[] {
  const root = rootCandidate(findUnitDecls(sf));
  if (root === undefined) {
    return [];
  }
  const hp = hasHparams(sf) ? 'hparams' : 'hparams: {}';
  const name = designName(sf.fileName);
  const text = sf.text;
  const sep = text.length === 0 || text.endsWith('\n') ? '\n' : '\n\n';
  const line = `export default block({ name: '${name}', ${hp}, root: ${root} });\n`;
  const edits = [...importBlock(sf), { start: text.length, end: text.length, newText: sep + line }];
  return [{ title: `Add export default block({ root: ${root} })`, edits, preferred: true }];
}

function renameFix(sf: ts.SourceFile, f: FindingRef, constName: string): Fix[] {
  const node = nodeAt(sf, f.start, f.end);
  if (node === undefined || !ts.isStringLiteralLike(node)) {
    return [];
  }
  const quote = sf.text[node.getStart(sf)] === '"' ? '"' : "'";
  const edit = { start: node.getStart(sf), end: node.end, newText: `${quote}${constName}${quote}` };
  return [{ title: `Change the unit's name to '${constName}'`, edits: [edit], preferred: true }];
}

function nameFix(sf: ts.SourceFile, constName: string): Fix[] {
  const decl = findUnitDecls(sf).find((d) => d.name === constName);
  const spec = decl?.spec;
  if (spec === undefined) {
    return [];
  }
  const prop = getProp(spec, 'name');
  const title = `Set name: '${constName}'`;
  if (prop !== undefined) {
    if (!ts.isPropertyAssignment(prop)) {
      return [];
    }
    const v = prop.initializer;
    return [{ title, edits: [{ start: v.getStart(sf), end: v.end, newText: `'${constName}'` }] }];
  }
  const at = spec.getStart(sf) + 1;
  return [{ title, edits: [{ start: at, end: at, newText: ` name: '${constName}',` }] }];
}

function addChildFix(sf: ts.SourceFile, parent: string, child: string): Fix[] {
  const decl = findUnitDecls(sf).find((d) => d.name === parent);
  const value = decl?.spec && getProp(decl.spec, 'children');
  if (value === undefined || !ts.isPropertyAssignment(value)) {
    return [];
  }
  const arr = value.initializer;
  if (!ts.isArrayLiteralExpression(arr)) {
    return [];
  }
  const edit = appendListElement(arr.elements, arr.end - 1, child);
  return [{ title: `Add ${child} to ${parent}'s children`, edits: [edit], preferred: true }];
}

function isArrayElement(
  n: ts.Node,
): n is ts.Expression & { readonly parent: ts.ArrayLiteralExpression } {
  return (n.parent as ts.Node | undefined)?.kind === ts.SyntaxKind.ArrayLiteralExpression;
}

function removeChildFix(sf: ts.SourceFile, f: FindingRef, child: string): Fix[] {
  let node = nodeAt(sf, f.start, f.end);
  while (node !== undefined && !isArrayElement(node)) {
    const up: ts.Node | undefined = node.parent;
    node = up;
  }
  if (node === undefined) {
    return [];
  }
  const arr = node.parent;
  const index = arr.elements.indexOf(node);
  const edit = removeListElement(sf, arr.elements, index);
  return [{ title: `Remove ${child} from children`, edits: [edit] }];
}
