// Verifier results as editor diagnostics: code = the check id, source 'blocksmith', 1-based report
// locations to 0-based ranges. Static results are live (live-diagnostics.ts, their own collection
// 'blocksmith-live'); this file also places the results of the last full verification (Verify
// Block: dynamic checks, which run the block) in Services.diagnostics, at the unit they concern.
//
// A dynamic result is about the text as it was verified. When the researcher edits, it is kept
// and re-placed on its unit (units move as lines are added above them), and it is marked stale
// (information, "before your edits") once the unit, a unit it reaches, or the code around the
// units (hparams, helpers) changed in a way that can change what runs (comments and layout do
// not count). Why not clear it on the first keystroke: the researcher is usually editing to fix
// exactly that failure and still needs its message; why not keep it as an error: after the edit
// nobody knows whether it still fails, and only Verify Block can say. Undoing back to the
// verified code makes it an error again.
import * as vscode from 'vscode';
import type { CheckResult, Severity, VerifyReport } from '../verify/types';
import { isLiveTarget } from './lib/diag-files';
import { fingerprint, placeDynamic, type Placed, type Span } from './lib/diag-units';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function rangeOf(c: CheckResult, doc: vscode.TextDocument): vscode.Range {
  if (c.line === undefined) {
    return doc.lineAt(0).range;
  }
  const start = new vscode.Position(c.line - 1, (c.column ?? 1) - 1);
  if (c.endLine === undefined) {
    // No end: underline to the end of the start line.
    return new vscode.Range(start, doc.lineAt(Math.min(c.line - 1, doc.lineCount - 1)).range.end);
  }
  return new vscode.Range(start, new vscode.Position(c.endLine - 1, (c.endColumn ?? 1) - 1));
}

function diagnostic(range: vscode.Range, c: CheckResult, severity = SEVERITY[c.severity]) {
  const d = new vscode.Diagnostic(range, c.message, severity);
  // No per-check documentation page exists yet (the README's table lists them): a plain code.
  d.code = c.id;
  d.source = 'blocksmith';
  return d;
}

/** The diagnostics for a report's failed checks on `doc`, each at its own location. */
export function toDiagnostics(
  checks: readonly CheckResult[],
  doc: vscode.TextDocument,
): vscode.Diagnostic[] {
  return checks.filter((c) => !c.ok).map((c) => diagnostic(rangeOf(c, doc), c));
}

/** The last full verification of a document: its text then and each unit's fingerprint. */
interface Verified {
  /** Where its diagnostics go (the collection showVerifyResults was given). */
  readonly collection: vscode.DiagnosticCollection;
  readonly text: string;
  readonly checks: readonly CheckResult[];
  readonly prints: Map<string, string>;
}

/** By document URI. Kept after the document closes: the Problems panel still lists the results. */
const verified = new Map<string, Verified>();

const fingerprintKey = (unit: string | undefined): string => unit ?? '';

function printFor(v: Verified, fileName: string, unit: string | undefined): string {
  const key = fingerprintKey(unit);
  let p = v.prints.get(key);
  if (p === undefined) {
    p = fingerprint(fileName, v.text, unit);
    v.prints.set(key, p);
  }
  return p;
}

function spanRange(s: Span): vscode.Range {
  return new vscode.Range(s.line - 1, s.column - 1, s.endLine - 1, s.endColumn - 1);
}

function placedDiagnostic(p: Placed, stale: boolean, doc: vscode.TextDocument): vscode.Diagnostic {
  const range = p.unit === undefined ? doc.lineAt(0).range : spanRange(p.span);
  if (!stale) {
    return diagnostic(range, p.check);
  }
  const where = p.unit === undefined ? 'this file' : `${p.unit} or the units it calls`;
  const note = `From the last Verify Block, before your edits to ${where}: run Verify Block again to re-check. `;
  return diagnostic(
    range,
    { ...p.check, message: note + p.check.message },
    vscode.DiagnosticSeverity.Information,
  );
}

/** The diagnostics of `doc`'s last verification, placed and marked against its text now. */
function verifiedDiagnostics(doc: vscode.TextDocument, v: Verified): vscode.Diagnostic[] {
  const text = doc.getText();
  const out: vscode.Diagnostic[] = [];
  if (!isLiveTarget(doc.fileName, doc.languageId, text) && text === v.text) {
    // No live checks on this file: its static failures are shown here, while they still apply.
    out.push(
      ...toDiagnostics(
        v.checks.filter((c) => c.id.startsWith('static/') || c.id.startsWith('verify/')),
        doc,
      ),
    );
  }
  const staleByUnit = new Map<string, boolean>();
  const isStale = (unit: string | undefined): boolean => {
    const key = fingerprintKey(unit);
    let stale = staleByUnit.get(key);
    if (stale === undefined) {
      stale =
        text !== v.text &&
        fingerprint(doc.fileName, text, unit) !== printFor(v, doc.fileName, unit);
      staleByUnit.set(key, stale);
    }
    return stale;
  };
  for (const p of placeDynamic(doc.fileName, text, v.checks)) {
    out.push(placedDiagnostic(p, isStale(p.unit), doc));
  }
  return out;
}

/**
 * Shows a full verification's results on `doc`: dynamic failures at their units in
 * `s.diagnostics` (static ones are the live diagnostics' job on block files). Call it instead of
 * `s.diagnostics.set(...)` after verifySource; `verifiedText` is the text that was verified
 * (default: the document's text now).
 */
export function showVerifyResults(
  s: { readonly diagnostics: vscode.DiagnosticCollection },
  doc: vscode.TextDocument,
  report: VerifyReport,
  verifiedText: string = doc.getText(),
): void {
  const v: Verified = {
    collection: s.diagnostics,
    text: verifiedText,
    checks: report.checks,
    prints: new Map(),
  };
  verified.set(doc.uri.toString(), v);
  s.diagnostics.set(doc.uri, verifiedDiagnostics(doc, v));
}

/** Re-places the last verification's results after an edit (live-diagnostics.ts calls it). */
export function refreshVerifyResults(doc: vscode.TextDocument): void {
  const key = doc.uri.toString();
  const v = verified.get(key);
  if (v === undefined) {
    return;
  }
  if (!v.collection.has(doc.uri)) {
    // Someone cleared them (a rejected proposal, say): they are not to come back.
    verified.delete(key);
    return;
  }
  v.collection.set(doc.uri, verifiedDiagnostics(doc, v));
}

/** Whether `doc` has results of a full verification to keep placed. */
export function hasVerifyResults(doc: vscode.TextDocument): boolean {
  return verified.has(doc.uri.toString());
}
