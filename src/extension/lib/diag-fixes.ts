// Quick fixes for failed static checks, where the fix is mechanical (no `vscode` here):
// - static/compile "Did you mean 'x'?" (a near-miss op, property or name) -> change it to 'x';
// - static/forbidden-import -> import from 'blocksmith/gab' instead (when every imported name is
//   one the contract exports), or remove the import;
// - static/unit-structure -> see diag-fixes-units.ts (missing default export, unit name, children);
// - static/module-state, static/hparams -> see diag-fixes-state.ts (let -> const, hparams form).
import ts from 'typescript';
import {
  ancestor,
  parse,
  nodeAt,
  removeLines,
  topStatement,
  type Fix,
  type FindingRef,
  type TextEdit,
} from './diag-edits';
import { hparamsFixes, moduleStateFixes } from './diag-fixes-state';
import { unitStructureFixes } from './diag-fixes-units';

export type { Fix, FindingRef, TextEdit } from './diag-edits';
export { applyEdits } from './diag-edits';

/** The module block files may import (src/verify/static/service.ts GAB_MODULE). */
export const GAB_MODULE = 'blocksmith/gab';

/** The value and type names src/gab/contract.d.ts exports. */
export const GAB_EXPORTS: ReadonlySet<string> = new Set([
  'Tensor',
  'Z',
  'HParams',
  'Init',
  'Ctx',
  'UnitSpec',
  'Unit',
  'BlockSpec',
  'Block',
  'Operand',
  'Ops',
  'unit',
  'block',
  'ops',
]);

/** The check ids that have fixes here (the code action provider registers for these). */
export const FIXABLE_CHECKS: readonly string[] = [
  'static/compile',
  'static/forbidden-import',
  'static/unit-structure',
  'static/module-state',
  'static/hparams',
];

/** The quick fixes for one failed check in `source`; [] when none is mechanical. */
export function fixesFor(fileName: string, source: string, f: FindingRef): Fix[] {
  const sf = parse(fileName, source);
  switch (f.id) {
    case 'static/compile':
      return didYouMean(sf, f);
    case 'static/forbidden-import':
      return importFixes(sf, f);
    case 'static/unit-structure':
      return unitStructureFixes(sf, f);
    case 'static/module-state':
      return moduleStateFixes(sf, f);
    case 'static/hparams':
      return hparamsFixes(sf, f);
    default:
      return [];
  }
}

/** TypeScript's own suggestion ("Did you mean 'rmsNorm'?") on the identifier it flagged. */
function didYouMean(sf: ts.SourceFile, f: FindingRef): Fix[] {
  const m = /Did you mean '([A-Za-z_$][\w$]*)'\?/.exec(f.message);
  const node = nodeAt(sf, f.start, f.end);
  if (m === null || node === undefined || !ts.isIdentifier(node)) {
    return [];
  }
  const name = m[1];
  const parent = node.parent;
  const owner =
    ts.isPropertyAccessExpression(parent) && parent.name === node
      ? `${parent.expression.getText(sf)}.`
      : '';
  const edit = { start: node.getStart(sf), end: node.end, newText: name };
  return [{ title: `Change to ${owner}${name}`, edits: [edit], preferred: true }];
}

function importFixes(sf: ts.SourceFile, f: FindingRef): Fix[] {
  const node = nodeAt(sf, f.start, f.end);
  if (node === undefined) {
    return referenceFix(sf, f);
  }
  const decl = ancestor(node, ts.isImportDeclaration);
  const out: Fix[] = [];
  if (decl !== undefined) {
    const toGab = importFromGab(sf, decl);
    if (toGab !== undefined) {
      out.push(toGab);
    }
  }
  const stmt = decl ?? topStatement(sf, node);
  if (stmt !== undefined) {
    const what = decl === undefined ? 'statement' : 'import';
    out.push({ title: `Remove the ${what}`, edits: [removeLines(sf, stmt)] });
  }
  return out;
}

/** A `/// <reference ...>` line: no node, just its text. */
function referenceFix(sf: ts.SourceFile, f: FindingRef): Fix[] {
  const lineStart = sf.text.lastIndexOf('\n', f.start - 1) + 1;
  const nl = sf.text.indexOf('\n', f.end);
  const end = nl === -1 ? sf.text.length : nl + 1;
  if (!sf.text.slice(lineStart, end).trimStart().startsWith('///')) {
    return [];
  }
  return [{ title: 'Remove the /// directive', edits: [{ start: lineStart, end, newText: '' }] }];
}

/** The names an import declaration binds, when all are named imports ({ a, b as c }). */
function namedImports(decl: ts.ImportDeclaration): ts.ImportSpecifier[] | undefined {
  const clause = decl.importClause;
  const bindings = clause?.namedBindings;
  if (clause === undefined || clause.name !== undefined || bindings === undefined) {
    return undefined;
  }
  return ts.isNamedImports(bindings) ? [...bindings.elements] : undefined;
}

/** "import { ops } from './gab'" -> from 'blocksmith/gab' (merged into an existing gab import). */
function importFromGab(sf: ts.SourceFile, decl: ts.ImportDeclaration): Fix | undefined {
  const names = namedImports(decl);
  const known = (s: ts.ImportSpecifier): boolean =>
    GAB_EXPORTS.has((s.propertyName ?? s.name).text);
  if (names === undefined || names.length === 0 || !names.every(known)) {
    return undefined;
  }
  const title = `Import from '${GAB_MODULE}'`;
  const existing = sf.statements.find(
    (s): s is ts.ImportDeclaration =>
      s !== decl &&
      ts.isImportDeclaration(s) &&
      ts.isStringLiteral(s.moduleSpecifier) &&
      s.moduleSpecifier.text === GAB_MODULE &&
      namedImports(s) !== undefined,
  );
  if (existing === undefined) {
    const spec = decl.moduleSpecifier;
    const edit = { start: spec.getStart(sf), end: spec.end, newText: `'${GAB_MODULE}'` };
    return { title, edits: [edit], preferred: true };
  }
  const have = new Set((namedImports(existing) ?? []).map((s) => s.getText(sf)));
  const add = names.map((s) => s.getText(sf)).filter((t) => !have.has(t));
  const edits: TextEdit[] = [removeLines(sf, decl)];
  const list = (existing.importClause?.namedBindings as ts.NamedImports).elements;
  const last = list.at(-1);
  if (add.length > 0 && last !== undefined) {
    edits.push({ start: last.end, end: last.end, newText: `, ${add.join(', ')}` });
  }
  return { title, edits, preferred: true };
}
