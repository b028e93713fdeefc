// The commands that work today: New Discovery Workspace, Verify Block, Show Unit Tree.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { formatReport } from '../core/report';
import { BLOCK_FILE, describeInit, initWorkspace, preferredSeed } from '../core/workspace';
import { readUnitTree, unitsDepthFirst } from '../units/tree';
import type { VerifyOptions } from '../verify/index';
import { verifySource } from '../verify/index';
import type { VerifyReport } from '../verify/types';
import { showVerifyResults } from './diagnostics';
import type { Services } from './services';

/** Inits into the first workspace folder, or a folder the user picks; then opens a seed. */
export async function newWorkspace(s: Services): Promise<void> {
  let root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (root === undefined) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Create Discovery Workspace Here',
    });
    root = picked?.[0]?.fsPath;
    if (root === undefined) {
      return;
    }
  }
  const r = initWorkspace(root);
  s.log.appendLine(describeInit(r, root).join('\n'));
  s.store.fire();
  const seed = preferredSeed(r.seeds);
  if (seed !== undefined) {
    await vscode.window.showTextDocument(vscode.Uri.file(join(root, 'designs', seed, BLOCK_FILE)));
  }
  const made = r.created.filter((f) => f.endsWith(BLOCK_FILE)).length;
  const note = `Blocksmith: workspace ready in ${root}: ${made} seed design(s) created, ${r.kept.length} existing file(s) kept.`;
  if (vscode.workspace.workspaceFolders === undefined) {
    const pick = await vscode.window.showInformationMessage(note, 'Open Folder');
    if (pick === 'Open Folder') {
      await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(root));
    }
  } else {
    void vscode.window.showInformationMessage(note);
  }
}

/** The active editor's document, if it is a TypeScript file (a block). */
function activeBlock(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId !== 'typescript') {
    void vscode.window.showWarningMessage(
      'Blocksmith: open a block file (designs/<id>/block.ts) in the editor first.',
    );
    return undefined;
  }
  return doc;
}

function verifyOptions(onProgress: (m: string) => void): VerifyOptions {
  const cfg = vscode.workspace.getConfiguration('blocksmith');
  const backend = cfg.get<string>('train.backend', 'auto');
  return {
    rung: cfg.get<string>('ladder.rung', '50k'),
    timeoutMs: cfg.get<number>('verify.timeoutSeconds', 120) * 1000,
    memoryMb: cfg.get<number>('verify.memoryMb', 2048),
    onProgress,
    // the verifier's sandbox runs wasm or cpu only (no native addons): tensorflow* verify on wasm
    ...(backend === 'wasm' || backend === 'cpu' ? { backend } : {}),
  };
}

/** Runs the verifier under a cancellable notification; undefined when the user cancelled. */
async function runVerify(doc: vscode.TextDocument): Promise<VerifyReport | undefined> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Blocksmith: verifying ${vscode.workspace.asRelativePath(doc.uri)}`,
      cancellable: true,
    },
    (progress, token) => {
      const opts = verifyOptions((message) => {
        progress.report({ message });
      });
      // The verifier has no cancel hook yet: on cancel we stop waiting and drop the result; its
      // sandboxed child ends at its own time limit.
      const cancelled = new Promise<undefined>((resolve) => {
        token.onCancellationRequested(() => {
          resolve(undefined);
        });
      });
      return Promise.race([verifySource(doc.fileName, doc.getText(), opts), cancelled]);
    },
  );
}

/** Verifies the active block: diagnostics for failed checks, the full report in the output. */
export async function verifyBlock(s: Services): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    const pick = await vscode.window.showWarningMessage(
      'Blocksmith: Verify runs the block’s code, which is disabled in an untrusted workspace. Trust this workspace to verify.',
      'Manage Workspace Trust',
    );
    if (pick !== undefined) {
      await vscode.commands.executeCommand('workbench.trust.manage');
    }
    return;
  }
  const doc = activeBlock();
  if (doc === undefined) {
    return;
  }
  const verifiedText = doc.getText(); // runVerify checks this text; edits may follow meanwhile
  const report = await runVerify(doc);
  if (report === undefined) {
    s.log.appendLine(`verification of ${doc.fileName} cancelled`);
    return;
  }
  showVerifyResults(s, doc, report, verifiedText);
  s.log.appendLine(formatReport(vscode.workspace.asRelativePath(doc.uri), report));
  const failed = report.checks.filter((c) => !c.ok).length;
  const msg = report.ok
    ? `Blocksmith: the design is valid (${report.checks.length} checks, ${failed} warning(s)).`
    : `Blocksmith: the design is invalid: ${failed} check(s) failed; see the Problems panel.`;
  const pick = await (report.ok
    ? vscode.window.showInformationMessage(msg, 'Show Report')
    : vscode.window.showErrorMessage(msg, 'Show Report'));
  if (pick === 'Show Report') {
    s.log.show(true);
  }
}

interface UnitPick extends vscode.QuickPickItem {
  readonly line: number;
  readonly column: number;
}

/** The active block's unit tree as a quick pick; choosing a unit reveals it. */
export async function showUnitTree(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const doc = activeBlock();
  if (editor === undefined || doc === undefined) {
    return;
  }
  const tree = readUnitTree(doc.fileName, doc.getText());
  const picks = unitPicks(tree);
  if (picks.length === 0) {
    void vscode.window.showWarningMessage(
      'Blocksmith: no units found: declare them with unit({...}).',
    );
    return;
  }
  const pick = await vscode.window.showQuickPick(picks, {
    title: `Units of ${tree.design ?? 'this block'}`,
    placeHolder: 'Pick a unit to reveal it',
  });
  if (pick !== undefined) {
    const at = new vscode.Position(pick.line - 1, pick.column - 1);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(
      new vscode.Range(at, at),
      vscode.TextEditorRevealType.InCenterIfOutsideViewport,
    );
  }
}

/** Depth-first from the root, indented; units the root does not reach come last. */
function unitPicks(tree: ReturnType<typeof readUnitTree>): UnitPick[] {
  return unitsDepthFirst(tree).map(({ unit: u, depth }) => ({
    label: `${'\u00a0\u00a0'.repeat(depth)}${depth > 0 ? '└ ' : ''}${u.name}`,
    description: u.name === tree.root ? 'root' : `${u.children.length} child(ren)`,
    detail: `line ${u.range.start.line}`,
    line: u.range.start.line,
    column: u.range.start.column,
  }));
}
