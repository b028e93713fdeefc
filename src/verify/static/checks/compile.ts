// static/compile: the block type-checks against the contract (strict, ES2022, no DOM, no Node).
// Errors another check explains better (a missing module, a host global) are left to that check.
import ts from 'typescript';
import { diagnosticFinding } from '../diagnostics';
import { HOST_GLOBALS } from '../globals';
import type { Rule, RuleContext } from '../rule';

/** "Cannot find module ..." diagnostics: static/forbidden-import reports those imports. */
const MODULE_NOT_FOUND = new Set([2307, 2792, 2882]);
/** "Cannot find name ..." diagnostics: static/forbidden-global reports host names. */
const NAME_NOT_FOUND = new Set([2304, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593]);

function explainedElsewhere(ctx: RuleContext, d: ts.Diagnostic): boolean {
  if (MODULE_NOT_FOUND.has(d.code)) {
    return true;
  }
  if (!NAME_NOT_FOUND.has(d.code) || d.start === undefined || d.length === undefined) {
    return false;
  }
  const name = ctx.sourceFile.text.slice(d.start, d.start + d.length);
  // A quoted name is a module specifier ('fs'): TS reports Node's modules as missing names.
  return HOST_GLOBALS.has(name) || /^['"`]/.test(name);
}

export const compileRule: Rule = {
  id: 'static/compile',
  severity: 'error',
  description: "the block type-checks (strict) against the contract 'blocksmith/gab'",
  run: (ctx) =>
    ctx.program
      .getSemanticDiagnostics(ctx.sourceFile)
      .filter((d) => d.category === ts.DiagnosticCategory.Error && !explainedElsewhere(ctx, d))
      .map((d) =>
        diagnosticFinding(
          ctx,
          d,
          'Fix the types here; src/gab/contract.d.ts documents the ops and Ctx.',
        ),
      ),
};
