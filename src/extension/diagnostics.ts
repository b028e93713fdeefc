// Failed verifier checks as editor diagnostics: code = the check id, 1-based report locations to
// 0-based ranges. Checks without a location (dynamic ones) sit on the first line.
import * as vscode from 'vscode';
import type { CheckResult, Severity } from '../verify/types';

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

/** The diagnostics for a report's failed checks on `doc`. */
export function toDiagnostics(
  checks: readonly CheckResult[],
  doc: vscode.TextDocument,
): vscode.Diagnostic[] {
  return checks
    .filter((c) => !c.ok)
    .map((c) => {
      const d = new vscode.Diagnostic(rangeOf(c, doc), c.message, SEVERITY[c.severity]);
      d.code = c.id;
      d.source = 'blocksmith';
      return d;
    });
}
