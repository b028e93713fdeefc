// The static verifier: compiles a block file against the GAB contract in the cached in-memory
// program (service.ts) and runs every check of checks/ on it. Milliseconds when warm.
import { findUnitDecls, unitNode } from '../../units/syntax';
import type { CheckResult } from '../types';
import { compileRule } from './checks/compile';
import { forbiddenGlobalRule } from './checks/forbidden-global';
import { forbiddenImportRule } from './checks/forbidden-import';
import { hostReadRule } from './checks/host-read';
import { hparamsRule } from './checks/hparams';
import { moduleStateRule } from './checks/module-state';
import { protectedUnitsRule } from './checks/protected-units';
import { syntaxRule } from './checks/syntax';
import { unitStructureRule } from './checks/unit-structure';
import {
  createContext,
  type Finding,
  type Rule,
  type RuleContext,
  type StaticOptions,
} from './rule';
import { programFor } from './service';

export type { StaticOptions } from './rule';

/** Every check after static/syntax, in report order. */
export const STATIC_RULES: readonly Rule[] = [
  compileRule,
  forbiddenImportRule,
  forbiddenGlobalRule,
  hostReadRule,
  moduleStateRule,
  unitStructureRule,
  hparamsRule,
  protectedUnitsRule,
];

/** At most this many findings a check are listed (garbage input makes thousands). */
const MAX_FINDINGS = 50;

/** Finds the unit whose statement contains a finding's start. */
function unitLocator(ctx: RuleContext): (f: Finding) => string | undefined {
  const spans = findUnitDecls(ctx.sourceFile).map((d) => ({
    name: d.name,
    range: ctx.range(unitNode(d)),
  }));
  return (f) => {
    const { line, column } = f.range;
    const hit = spans.find(
      ({ range: r }) =>
        (line > r.line || (line === r.line && column >= r.column)) &&
        (line < r.endLine || (line === r.endLine && column < r.endColumn)),
    );
    return hit?.name;
  };
}

function toResults(
  rule: Rule,
  findings: readonly Finding[],
  ctx: RuleContext,
  unitOf: (f: Finding) => string | undefined,
): CheckResult[] {
  if (findings.length === 0) {
    const message = rule.passMessage?.(ctx) ?? rule.description;
    return [{ id: rule.id, ok: true, severity: rule.severity, message }];
  }
  const shown = findings.length > MAX_FINDINGS ? findings.slice(0, MAX_FINDINGS) : findings;
  const results = shown.map((f): CheckResult => {
    const unit = f.unit ?? unitOf(f);
    return {
      id: rule.id,
      ok: false,
      severity: f.severity ?? rule.severity,
      message: f.message,
      ...f.range,
      ...(unit === undefined ? {} : { unit }),
    };
  });
  if (findings.length > MAX_FINDINGS) {
    const last = findings[findings.length - 1];
    results.push({
      id: rule.id,
      ok: false,
      severity: rule.severity,
      message: `${findings.length - MAX_FINDINGS} more findings of ${rule.id} not listed (${findings.length} in all): fix the first ones and check again.`,
      ...last.range,
    });
  }
  return results;
}

function runRule(rule: Rule, ctx: RuleContext, fileName: string): Finding[] {
  try {
    return rule.run(ctx);
  } catch (err) {
    // A crashing check must not hide the others: report it where the file starts.
    const why = err instanceof Error ? err.message : String(err);
    return [
      {
        range: ctx.rangeOf(0, 0),
        message: `the check ${rule.id} crashed on ${fileName} (${why}); this is a Blocksmith bug, please report it`,
      },
    ];
  }
}

/** The last check, reused when the same text is checked again (editor diagnostics, then save). */
let last: { key: string; results: CheckResult[] } | undefined;

/** Runs every static check on a block file's text; milliseconds when warm. */
export function checkStatic(
  fileName: string,
  source: string,
  opts: StaticOptions = {},
): CheckResult[] {
  const key = JSON.stringify([fileName, source, opts.parentSource, opts.editedUnit]);
  if (last?.key !== key) {
    last = { key, results: runChecks(fileName, source, opts) };
  }
  return last.results.map((r) => ({ ...r }));
}

function runChecks(fileName: string, source: string, opts: StaticOptions): CheckResult[] {
  const { program, sourceFile } = programFor(source);
  const ctx = createContext(program, sourceFile, opts);
  const unitOf = unitLocator(ctx);
  const syntax = runRule(syntaxRule, ctx, fileName);
  if (syntax.length > 0) {
    // Semantic checks on a tree the parser had to repair would report noise.
    return toResults(syntaxRule, syntax, ctx, unitOf);
  }
  return [syntaxRule, ...STATIC_RULES].flatMap((rule) =>
    toResults(rule, rule === syntaxRule ? [] : runRule(rule, ctx, fileName), ctx, unitOf),
  );
}
