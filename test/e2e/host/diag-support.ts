// Helpers of the in-host live-diagnostics tests and bench: Blocksmith's diagnostics of a document,
// waiting for a condition on them, and single-character edits.
import * as vscode from 'vscode';

export const EXTENSION_ID = 'blocksmith.blocksmith';

/** The seed every test edits (never saved: each test reverts what it typed). */
export async function seedUri(): Promise<vscode.Uri> {
  const uri = (await vscode.workspace.findFiles('designs/gpt2/block.ts')).at(0);
  if (uri === undefined) {
    throw new Error('designs/gpt2/block.ts is not in the e2e workspace (blocksmith init made it?)');
  }
  return uri;
}

export async function activate(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (ext === undefined) {
    throw new Error(`extension ${EXTENSION_ID} is not loaded in the development host`);
  }
  await ext.activate();
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = typeof d.code === 'object' ? d.code.value : d.code;
  return typeof c === 'string' ? c : undefined;
}

/** Blocksmith's diagnostics of `uri` (live and last-verification ones), optionally of one check. */
export function blocksmithDiagnostics(uri: vscode.Uri, id?: string): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'blocksmith' && (id === undefined || codeOf(d) === id));
}

/** Polls `probe` every few ms until it returns a value; throws naming `what` after `ms`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Replaces the first `from` in `doc` with `to` (an unsaved edit). */
export async function replaceText(
  doc: vscode.TextDocument,
  from: string,
  to: string,
): Promise<vscode.Range> {
  const at = doc.getText().indexOf(from);
  if (at < 0) {
    throw new Error(`'${from}' is not in ${doc.fileName}`);
  }
  const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, range, to);
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new Error(`the edit '${from}' -> '${to}' was not applied to ${doc.fileName}`);
  }
  return range;
}

/** Opens `uri` in the active editor group. */
export async function show(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** An untitled TypeScript document holding `content`, shown. */
export async function showUntitled(content: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content });
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Reverts and closes the active editor (no save prompt), so nothing typed reaches the disk. */
export async function revertAndClose(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

/** The quick fixes VS Code offers at `range` of `uri`. */
export async function quickFixes(
  uri: vscode.Uri,
  range: vscode.Range,
): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return all.filter((a): a is vscode.CodeAction => 'edit' in a || 'kind' in a);
}
