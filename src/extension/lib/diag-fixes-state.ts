// Quick fixes for static/module-state and static/hparams findings with one obvious repair (no
// `vscode` here): a top-level `let`/`var` -> `const`; hparams not an exported const -> `export
// const`; a missing hparams -> `export const hparams = {};`; block() not passed the hparams ->
// `hparams` in its spec.
import ts from 'typescript';
import { findDefaultExports, getProp } from '../../units/syntax';
import { nodeAt, type Fix, type FindingRef, type TextEdit } from './diag-edits';

/** A top-level `let x = ...` -> `const x = ...` (the finding is on the keyword). */
export function moduleStateFixes(sf: ts.SourceFile, f: FindingRef): Fix[] {
  if (!f.message.startsWith('top-level `let`/`var`')) {
    return [];
  }
  const node = nodeAt(sf, f.start, f.end);
  const list = node === undefined ? undefined : declarationList(node);
  if (list === undefined) {
    return [];
  }
  const kw = list.getFirstToken(sf);
  if (kw === undefined) {
    return [];
  }
  const edit = { start: kw.getStart(sf), end: kw.end, newText: 'const' };
  return [{ title: `Change ${kw.getText(sf)} to const`, edits: [edit], preferred: true }];
}

function declarationList(node: ts.Node): ts.VariableDeclarationList | undefined {
  for (let n: ts.Node | undefined = node; n !== undefined; n = n.parent as ts.Node | undefined) {
    if (ts.isVariableDeclarationList(n)) {
      return n;
    }
    if (ts.isVariableStatement(n)) {
      return n.declarationList;
    }
  }
  return undefined;
}

/** The top-level statement declaring `hparams`. */
function hparamsStatement(sf: ts.SourceFile): ts.VariableStatement | undefined {
  return sf.statements.find(
    (s): s is ts.VariableStatement =>
      ts.isVariableStatement(s) &&
      s.declarationList.declarations.some(
        (d) => ts.isIdentifier(d.name) && d.name.text === 'hparams',
      ),
  );
}

export function hparamsFixes(sf: ts.SourceFile, f: FindingRef): Fix[] {
  if (f.message.startsWith('hparams must be an exported const')) {
    return exportConstFix(sf);
  }
  if (f.message.startsWith('the file has no hparams')) {
    return addHparamsFix(sf);
  }
  if (f.message.startsWith('block() must pass the exported hparams')) {
    return passHparamsFix(sf);
  }
  return [];
}

function exportConstFix(sf: ts.SourceFile): Fix[] {
  const stmt = hparamsStatement(sf);
  const kw = stmt?.declarationList.getFirstToken(sf);
  if (stmt === undefined || kw === undefined) {
    return [];
  }
  const exported = (ts.getModifiers(stmt) ?? []).some(
    (m) => m.kind === ts.SyntaxKind.ExportKeyword,
  );
  const edits: TextEdit[] = [
    { start: kw.getStart(sf), end: kw.end, newText: exported ? 'const' : 'export const' },
  ];
  return [{ title: 'Make hparams an exported const', edits, preferred: true }];
}

function addHparamsFix(sf: ts.SourceFile): Fix[] {
  const lastImport = sf.statements.filter(ts.isImportDeclaration).at(-1);
  const at = lastImport?.end ?? 0;
  const text =
    lastImport === undefined ? 'export const hparams = {};\n\n' : '\n\nexport const hparams = {};';
  return [
    { title: 'Add export const hparams = {}', edits: [{ start: at, end: at, newText: text }] },
  ];
}

function passHparamsFix(sf: ts.SourceFile): Fix[] {
  const spec = findDefaultExports(sf).at(0)?.spec;
  if (spec === undefined || hparamsStatement(sf) === undefined) {
    return [];
  }
  const prop = getProp(spec, 'hparams');
  const title = 'Pass hparams to block()';
  if (prop === undefined) {
    const at = spec.getStart(sf) + 1;
    return [{ title, edits: [{ start: at, end: at, newText: ' hparams,' }], preferred: true }];
  }
  if (!ts.isPropertyAssignment(prop)) {
    return [];
  }
  const v = prop.initializer;
  return [{ title, edits: [{ start: v.getStart(sf), end: v.end, newText: 'hparams' }] }];
}
