// static/syntax: the file parses. When it does not, the other checks are skipped.
import { diagnosticFinding } from '../diagnostics';
import type { Rule } from '../rule';

export const syntaxRule: Rule = {
  id: 'static/syntax',
  severity: 'error',
  description: 'the file parses as TypeScript',
  run: (ctx) =>
    ctx.program
      .getSyntacticDiagnostics(ctx.sourceFile)
      .map((d) =>
        diagnosticFinding(ctx, d, 'Fix the syntax here; no other check runs until it parses.'),
      ),
};
