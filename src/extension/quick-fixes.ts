// Quick fixes (the light bulb, Ctrl+.) for the Blocksmith diagnostics whose repair is mechanical.
// The fixes are computed without vscode in lib/diag-fixes.ts, as character offsets on the
// document's text; here they become WorkspaceEdits on that document.
import * as vscode from 'vscode';
import { FIXABLE_CHECKS, fixesFor, type Fix, type FindingRef } from './lib/diag-fixes';

const FIXABLE = new Set(FIXABLE_CHECKS);

function codeOf(d: vscode.Diagnostic): string | undefined {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return typeof code === 'string' ? code : undefined;
}

function toAction(doc: vscode.TextDocument, fix: Fix, d: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) {
    edit.replace(
      doc.uri,
      new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)),
      e.newText,
    );
  }
  action.edit = edit;
  action.diagnostics = [d];
  action.isPreferred = fix.preferred === true;
  return action;
}

/** A fix that cannot be computed is not offered: the light bulb never throws into the host. */
function safeFixes(fileName: string, text: string, ref: FindingRef): Fix[] {
  try {
    return fixesFor(fileName, text, ref);
  } catch {
    return [];
  }
}

export class BlockFixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const text = doc.getText();
    for (const d of context.diagnostics) {
      const id = codeOf(d);
      if (d.source !== 'blocksmith' || id === undefined || !FIXABLE.has(id)) {
        continue;
      }
      const ref = {
        id,
        message: d.message,
        start: doc.offsetAt(d.range.start),
        end: doc.offsetAt(d.range.end),
      };
      for (const fix of safeFixes(doc.fileName, text, ref)) {
        out.push(toAction(doc, fix, d));
      }
    }
    return out;
  }
}

/** The quick-fix provider for TypeScript files (block files are; others carry no such codes). */
export function registerQuickFixes(): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(
    { language: 'typescript' },
    new BlockFixProvider(),
    { providedCodeActionKinds: BlockFixProvider.kinds },
  );
}
