// The review gate in the editor: a proposal opens as a diff (parent read-only on the left, the
// proposal's real block.ts on the right, editable); Accept re-verifies edited text before it marks
// the design 'verified'; Reject marks it 'rejected' and closes its editors, the parent untouched.
// Commands take an optional argument: a tree or queue item ({ id }, Reject also { reason }), a
// design id, or a block's Uri; with none, the active editor's proposal, else a quick pick.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SMALLEST_RUNG } from '../ladder/rungs';
import type { DesignRecord } from '../store/types';
import { verifySource, type VerifyOptions } from '../verify';
import type { VerifyReport } from '../verify/types';
import { showVerifyResults } from './diagnostics';
import {
  acceptDecision,
  designOfFile,
  diffTitle,
  needsReverify,
  notPending,
  pending,
  rejectDecision,
  sha256,
  verificationRecord,
} from './lib/review-decision';
import { parentUri, proposalOfParentUri } from './parent-docs';
import type { Services } from './services';

export function blockUri(s: Services, id: string): vscode.Uri {
  return vscode.Uri.file(join(s.store.requireRoot(), 'designs', id, 'block.ts'));
}

/** The design the argument names, or the one the active editor (either diff side) shows. */
export function designOf(s: Services, arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg !== '') {
    return arg;
  }
  if (typeof arg === 'object' && arg !== null && typeof (arg as { id?: unknown }).id === 'string') {
    return (arg as { id: string }).id;
  }
  const root = s.store.root();
  const idOf = (u: vscode.Uri | undefined): string | undefined =>
    u === undefined || root === undefined
      ? undefined
      : u.scheme === 'file'
        ? designOfFile(root, u.fsPath)
        : proposalOfParentUri(u);
  if (arg instanceof vscode.Uri) {
    return idOf(arg);
  }
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const fromTab =
    input instanceof vscode.TabInputTextDiff
      ? (idOf(input.modified) ?? idOf(input.original))
      : input instanceof vscode.TabInputText
        ? idOf(input.uri)
        : undefined;
  return fromTab ?? idOf(vscode.window.activeTextEditor?.document.uri);
}

/** The argument's design, the active one, else a pick among the pending ones. */
async function targetPending(s: Services, arg: unknown, verb: string): Promise<string | undefined> {
  const named = designOf(s, arg);
  const queue = pending(await s.store.list());
  if (named !== undefined && (arg !== undefined || queue.some((r) => r.id === named))) {
    return named;
  }
  if (queue.length === 0) {
    void vscode.window.showInformationMessage('Blocksmith: no proposal waits for review.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    queue.map((r) => ({ label: r.id, description: r.operator, detail: r.summary, id: r.id })),
    { title: `${verb} which proposal?`, matchOnDetail: true },
  );
  return pick?.id;
}

/** False (and says why, with the way out) in an untrusted workspace. */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) {
    return true;
  }
  void vscode.window
    .showWarningMessage(
      `Blocksmith: ${what} runs block code, which is off in an untrusted workspace. Trust this workspace to use it.`,
      'Manage Workspace Trust',
    )
    .then((pick) =>
      pick === undefined ? undefined : vscode.commands.executeCommand('workbench.trust.manage'),
    );
  return false;
}

/** The verifier's options at the lowest rung, limits and backend from the settings. */
export function verifyOptions(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  const cfg = vscode.workspace.getConfiguration('blocksmith');
  const backend = cfg.get<string>('train.backend', 'auto');
  return {
    rung: SMALLEST_RUNG.name,
    timeoutMs: cfg.get<number>('verify.timeoutSeconds', 120) * 1000,
    memoryMb: cfg.get<number>('verify.memoryMb', 2048),
    // The sandbox runs wasm or cpu only (no native addons).
    ...(backend === 'cpu' ? { backend } : {}),
    ...extra,
  };
}

/** Verifies until done or cancelled (then undefined: the sandboxed child ends at its limit). */
export function raceCancel<T>(
  work: Promise<T>,
  token: vscode.CancellationToken,
): Promise<T | undefined> {
  const cancelled = new Promise<undefined>((resolve) => {
    token.onCancellationRequested(() => {
      resolve(undefined);
    });
  });
  return Promise.race([work, cancelled]);
}

/** Opens a design beside its first parent: "<parent> ↔ <id> (proposal)"; alone when it has none. */
export async function openDiff(s: Services, rec: DesignRecord): Promise<void> {
  const right = blockUri(s, rec.id);
  const parent = rec.parents.at(0);
  if (parent === undefined) {
    await vscode.window.showTextDocument(right, { preview: false });
    return;
  }
  const title =
    rec.status === 'pending-review' ? diffTitle(parent, rec.id) : `${parent} ↔ ${rec.id}`;
  await vscode.commands.executeCommand('vscode.diff', parentUri(parent, rec.id), right, title, {
    preview: false,
  });
}

async function recordOf(s: Services, id: string): Promise<DesignRecord | undefined> {
  return (await s.store.list()).find((r) => r.id === id);
}

/** Puts a report's failed checks on the block in the Problems panel. */
export async function showProblems(
  s: Services,
  uri: vscode.Uri,
  report: VerifyReport,
): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  showVerifyResults(s, doc, report);
}

const problemsAction = (msg: string): void => {
  void vscode.window
    .showErrorMessage(msg, 'Show Problems')
    .then((pick) =>
      pick === undefined
        ? undefined
        : vscode.commands.executeCommand('workbench.actions.view.problems'),
    );
};

async function reverify(
  s: Services,
  rec: DesignRecord,
  text: string,
): Promise<VerifyReport | undefined> {
  const parent = rec.operator === 'mutate' ? rec.parents.at(0) : undefined;
  const parentText =
    parent === undefined ? undefined : await readFile(blockUri(s, parent).fsPath, 'utf8');
  const opts = verifyOptions(
    parentText !== undefined && rec.unit !== undefined
      ? { parentSource: parentText, editedUnit: rec.unit }
      : {},
  );
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Blocksmith: verifying the edited ${rec.id}`,
      cancellable: true,
    },
    (progress, token) =>
      raceCancel(
        verifySource(blockUri(s, rec.id).fsPath, text, {
          ...opts,
          onProgress: (message) => {
            progress.report({ message });
          },
        }),
        token,
      ),
  );
}

export async function acceptProposal(s: Services, arg?: unknown): Promise<void> {
  const id = await targetPending(s, arg, 'Accept');
  if (id === undefined || !requireTrust('Accept (it re-verifies edited proposals)')) {
    return;
  }
  const uri = blockUri(s, id);
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
  const dirty = doc?.isDirty === true;
  if (dirty && !(await doc.save())) {
    throw new Error(
      `could not save the edited ${vscode.workspace.asRelativePath(uri)}: save it, then accept again`,
    );
  }
  const rec = await recordOf(s, id);
  const why = notPending(rec, id);
  if (rec === undefined || why !== undefined) {
    throw new Error(why);
  }
  const text = await readFile(uri.fsPath, 'utf8');
  const edited = needsReverify(rec, text, dirty);
  let report: VerifyReport | undefined;
  if (edited) {
    report = await reverify(s, rec, text);
    if (report === undefined) {
      s.log.appendLine(`accept ${id}: verification cancelled; the proposal still waits for review`);
      return;
    }
    await showProblems(s, uri, report);
    if (!report.ok) {
      const n = report.checks.filter((c) => !c.ok && c.severity === 'error').length;
      problemsAction(
        `Blocksmith: ${id} is not accepted: the edited block fails ${n} check(s). Fix them (Problems panel) and accept again, or reject it.`,
      );
      return;
    }
  }
  await s.store.withStore(async (store) => {
    const now = store.get(id);
    const still = notPending(now, id);
    if (still !== undefined) {
      throw new Error(still);
    }
    if (sha256(await readFile(uri.fsPath, 'utf8')) !== sha256(text)) {
      throw new Error(`${id}'s block.ts changed while it was being verified: accept it again`);
    }
    await store.update(id, {
      status: 'verified',
      review: acceptDecision(edited),
      ...(report !== undefined
        ? {
            verification: verificationRecord(
              report,
              verifyOptions().rung ?? SMALLEST_RUNG.name,
              text,
            ),
          }
        : {}),
    });
  });
  s.log.appendLine(`accepted ${id}${edited ? ' (edited, verified again)' : ''}`);
  // The proposal is a design now: its diff tab gives way to the block itself.
  await closeEditorsOf(uri, true);
  await vscode.window.showTextDocument(uri, { preview: false });
  void vscode.window
    .showInformationMessage(
      `Blocksmith: accepted ${id}${edited ? ' with your edits' : ''}: it is verified and can train on the ladder.`,
      'Train on Ladder',
    )
    .then((pick) =>
      pick === undefined ? undefined : vscode.commands.executeCommand('blocksmith.train', id),
    );
}

/** Saves (nothing is lost) and closes the editors of the design's block (only its diffs: diffsOnly). */
async function closeEditorsOf(uri: vscode.Uri, diffsOnly = false): Promise<void> {
  const shows = (u: vscode.Uri): boolean => u.scheme === 'file' && u.fsPath === uri.fsPath;
  const tabs = vscode.window.tabGroups.all.flatMap((g) =>
    g.tabs.filter((t) =>
      t.input instanceof vscode.TabInputTextDiff
        ? shows(t.input.modified)
        : !diffsOnly && t.input instanceof vscode.TabInputText && shows(t.input.uri),
    ),
  );
  if (tabs.length > 0) {
    await vscode.window.tabGroups.close(tabs, true);
  }
}

export async function rejectProposal(s: Services, arg?: unknown): Promise<void> {
  const id = await targetPending(s, arg, 'Reject');
  if (id === undefined) {
    return;
  }
  const given = (arg as { reason?: unknown } | undefined)?.reason;
  const reason =
    typeof given === 'string'
      ? given
      : await vscode.window.showInputBox({
          title: `Reject ${id}`,
          prompt: 'Why? (optional: kept with the decision; Enter to reject, Escape to cancel)',
          placeHolder: 'e.g. duplicates an idea already in the tree',
        });
  if (reason === undefined) {
    return;
  }
  const uri = blockUri(s, id);
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
  if (doc?.isDirty === true) {
    // Edits are kept in the rejected design's folder, never dropped.
    await doc.save();
  }
  await s.store.withStore(async (store) => {
    const why = notPending(store.get(id), id);
    if (why !== undefined) {
      throw new Error(why);
    }
    await store.update(id, { status: 'rejected', review: rejectDecision(reason) });
  });
  await closeEditorsOf(uri);
  s.diagnostics.delete(uri);
  s.log.appendLine(`rejected ${id}${reason.trim() !== '' ? `: ${reason.trim()}` : ''}`);
  void vscode.window.showInformationMessage(
    `Blocksmith: rejected ${id}: it stays in the tree (designs/${id}), never trained or bred.`,
  );
}

export async function reviewProposal(s: Services, arg?: unknown): Promise<void> {
  const id = await targetPending(s, arg, 'Review');
  const rec = id === undefined ? undefined : await recordOf(s, id);
  if (rec !== undefined) {
    await openDiff(s, rec);
  }
}
