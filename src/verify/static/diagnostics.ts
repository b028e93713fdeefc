// TypeScript diagnostics as findings: the message flattened, the range from start and length.
import ts from 'typescript';
import type { Finding, RuleContext } from './rule';

export function diagnosticFinding(ctx: RuleContext, d: ts.Diagnostic, hint: string): Finding {
  const start = d.start ?? 0;
  const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  return {
    range: ctx.rangeOf(start, start + (d.length ?? 0)),
    message: `${text} (TS${d.code}). ${hint}`,
  };
}
