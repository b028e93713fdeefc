// Live diagnostics: the static checks run as the researcher types, on every block file
// (designs/<id>/block.ts, or any TypeScript file importing 'blocksmith/gab'), debounced (a lone
// keystroke is checked at once, a burst once at its end: lib/diag-schedule.ts), through
// the verifier's cached language service (src/verify/static/service.ts: only the block's
// SourceFile is re-parsed per edit; the contract and lib files stay parsed and bound). Results go
// into their own collection 'blocksmith-live' (shown inline and in Problems, code = check id),
// separate from the last full verification's (Services.diagnostics, diagnostics.ts), which is
// re-placed after each edit. The static checks are pure analysis (no block code runs), so they
// stay on in an untrusted workspace.
import * as vscode from 'vscode';
import { MAX_SOURCE_CHARS } from '../verify/index';
import { checkStatic } from '../verify/static/index';
import { hasVerifyResults, refreshVerifyResults, toDiagnostics } from './diagnostics';
import { isLiveTarget, protectionFor } from './lib/diag-files';
import { Debouncer, VersionGate } from './lib/diag-schedule';
import { registerQuickFixes } from './quick-fixes';
import type { Services } from './services';

/** The collection of the live (static) results. */
export const LIVE_COLLECTION = 'blocksmith-live';
/**
 * A keystroke after a quiet spell is checked at once; within a burst (keys less than this apart)
 * the check waits this long after the last key. Short, since a warm check takes ~15-30 ms and the
 * bar is 100 ms from keystroke to diagnostics; long enough to fold fast typing into one check.
 */
export const DEBOUNCE_MS = 25;

const SCHEMES = new Set(['file', 'untitled', 'vscode-remote']);

class LiveDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(LIVE_COLLECTION);
  private readonly docs = new Map<string, vscode.TextDocument>();
  private readonly gate = new VersionGate<string>();
  private readonly debouncer = new Debouncer<string>((key) => {
    this.run(key);
  });
  private warnedCrash = false;

  constructor(private readonly s: Services) {}

  private isTarget(doc: vscode.TextDocument): boolean {
    if (!SCHEMES.has(doc.uri.scheme)) {
      return false;
    }
    const text = doc.getText();
    return text.length <= MAX_SOURCE_CHARS && isLiveTarget(doc.uri.fsPath, doc.languageId, text);
  }

  /**
   * Queues a check of `doc`: on the next turn after a quiet spell, else `ms` after the last edit
   * of a burst (0 on open: the file's problems show as it opens).
   */
  schedule(doc: vscode.TextDocument, ms: number): void {
    const key = doc.uri.toString();
    if (!this.isTarget(doc)) {
      if (this.docs.delete(key)) {
        // It stopped being a block (the gab import removed): its live results no longer apply.
        this.debouncer.cancel(key);
        this.collection.delete(doc.uri);
      }
      if (hasVerifyResults(doc)) {
        refreshVerifyResults(doc);
      }
      return;
    }
    this.docs.set(key, doc);
    this.debouncer.schedule(key, ms);
  }

  close(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.debouncer.forget(key);
    this.docs.delete(key);
    this.gate.forget(key);
    this.collection.delete(doc.uri);
  }

  private run(key: string): void {
    const doc = this.docs.get(key);
    if (doc === undefined || doc.isClosed) {
      return;
    }
    const version = doc.version;
    const text = doc.getText();
    let results;
    try {
      results = checkStatic(doc.fileName, text, protectionFor(doc.uri.fsPath));
    } catch (err) {
      this.crashed(doc, err);
      return;
    }
    // The check is synchronous today; the gate keeps this correct if it ever moves off-thread.
    if (this.gate.accept(key, version, doc.version)) {
      this.collection.set(doc.uri, toDiagnostics(results, doc));
      if (hasVerifyResults(doc)) {
        refreshVerifyResults(doc);
      }
    }
  }

  private crashed(doc: vscode.TextDocument, err: unknown): void {
    const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.s.log.appendLine(`live diagnostics of ${doc.fileName} failed: ${msg}`);
    if (!this.warnedCrash) {
      this.warnedCrash = true;
      void vscode.window.showWarningMessage(
        'Blocksmith: live checks failed on this file (details in the Blocksmith output); run "Blocksmith: Verify Block" to check it.',
      );
    }
  }

  dispose(): void {
    this.debouncer.dispose();
    this.collection.dispose();
  }
}

/** Live static diagnostics and their quick fixes; the last verification's results kept placed. */
export function registerLiveDiagnostics(s: Services): vscode.Disposable[] {
  const live = new LiveDiagnostics(s);
  for (const doc of vscode.workspace.textDocuments) {
    live.schedule(doc, 0);
  }
  return [
    new vscode.Disposable(() => {
      live.dispose();
    }),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      live.schedule(doc, 0);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) {
        live.schedule(e.document, DEBOUNCE_MS);
      }
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      live.close(doc);
    }),
    registerQuickFixes(),
  ];
}
