// The coder's answer to a checked design: take its ```ts block, require that it declares the
// edited unit and no other unit of the parent, splice it in with replaceUnit, then run the static
// checks (with the protection check) and, if given, the caller's dynamic verification. A failure
// comes back as findings the coder sees on its next attempt.
import { findUnitDecls } from '../units/syntax';
import { parseBlock, replaceUnit } from '../units/tree';
import { checkStatic } from '../verify/static';
import { isOk, type CheckResult, type VerifyReport } from '../verify/types';
import { extractCode } from './parse';

/**
 * The caller's dynamic verification (e.g. verifySource with the parent and the edited unit; a
 * scratch design has neither, so both are absent).
 */
export type VerifyFn = (
  source: string,
  opts: { readonly parentSource?: string; readonly editedUnit?: string },
) => Promise<VerifyReport>;

export type CodeFailure = 'no-code' | 'wrong-unit' | 'broken-code';

export type CodeOutcome =
  | {
      readonly ok: true;
      readonly source: string;
      readonly unitText: string;
      readonly checks: readonly CheckResult[];
    }
  | {
      readonly ok: false;
      readonly status: CodeFailure;
      /** One line: what was wrong. */
      readonly problem: string;
      /** The findings, one line each, as the coder will read them. */
      readonly errors: readonly string[];
      readonly checks?: readonly CheckResult[];
    };

const FILE = 'block.ts';
/** At most this many findings go back to the coder (the first ones matter). */
const MAX_FEEDBACK = 12;

/** A failed check as one line: id, place, unit and message. */
export function formatCheck(c: CheckResult): string {
  const at = c.line === undefined ? '' : ` at line ${c.line}, column ${c.column ?? 1}`;
  const unit = c.unit === undefined ? '' : ` (unit ${c.unit})`;
  return `${c.id}${at}${unit}: ${c.message}`;
}

function failedErrors(checks: readonly CheckResult[]): string[] {
  return checks
    .filter((c) => !c.ok && c.severity === 'error')
    .slice(0, MAX_FEEDBACK)
    .map(formatCheck);
}

function noCode(answer: string): CodeOutcome {
  const what =
    answer.trim() === '' ? 'the answer was empty' : 'the answer held no ```ts code block';
  return {
    ok: false,
    status: 'no-code',
    problem: what,
    errors: [`${what}; write the code in one`],
  };
}

/** A scratch design: the answer's code block is the whole file; it must pass the static checks. */
export function buildWholeFile(answer: string): CodeOutcome {
  const code = extractCode(answer);
  if (code === undefined) {
    return noCode(answer);
  }
  const source = `${code}\n`;
  const checks = checkStatic(FILE, source, {});
  if (!isOk(checks)) {
    return {
      ok: false,
      status: 'broken-code',
      problem: 'the static checks failed',
      errors: failedErrors(checks),
      checks,
    };
  }
  return { ok: true, source, unitText: code, checks };
}

/** Turns the coder's answer into a design source that passed the static checks, or a failure. */
export function buildFromAnswer(answer: string, parent: string, unit: string): CodeOutcome {
  const code = extractCode(answer);
  if (code === undefined) {
    return noCode(answer);
  }
  const declared = findUnitDecls(parseBlock('answer.ts', code)).map((d) => d.name);
  const parentUnits = new Set(findUnitDecls(parseBlock(FILE, parent)).map((d) => d.name));
  if (!declared.includes(unit)) {
    const found =
      declared.length === 0 ? 'no unit' : `only ${declared.map((n) => `'${n}'`).join(', ')}`;
    return {
      ok: false,
      status: 'wrong-unit',
      problem: `the code declares ${found}, not '${unit}'`,
      errors: [
        `declare \`const ${unit} = unit({ name: '${unit}', ... })\`: that is the unit to rewrite`,
      ],
    };
  }
  const others = declared.filter((n) => n !== unit && parentUnits.has(n));
  if (others.length > 0) {
    return {
      ok: false,
      status: 'wrong-unit',
      problem: `the code also rewrites ${others.map((n) => `'${n}'`).join(', ')}`,
      errors: [
        `only '${unit}' may change: leave out ${others.join(', ')}; they stay as in the parent`,
      ],
    };
  }
  const source = replaceUnit(FILE, parent, unit, code);
  const checks = checkStatic(FILE, source, { parentSource: parent, editedUnit: unit });
  if (!isOk(checks)) {
    return {
      ok: false,
      status: 'broken-code',
      problem: 'the static checks failed',
      errors: failedErrors(checks),
      checks,
    };
  }
  return { ok: true, source, unitText: code, checks };
}

/** Runs the caller's dynamic verification on a statically sound design. */
export async function verifyBuilt(
  built: Extract<CodeOutcome, { ok: true }>,
  parent: string | undefined,
  unit: string | undefined,
  verify: VerifyFn,
): Promise<CodeOutcome> {
  let report: VerifyReport;
  try {
    const opts =
      parent === undefined || unit === undefined ? {} : { parentSource: parent, editedUnit: unit };
    report = await verify(built.source, opts);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    report = {
      ok: false,
      checks: [
        {
          id: 'verify/internal',
          ok: false,
          severity: 'error',
          message: `the verifier failed: ${why}`,
        },
      ],
    };
  }
  if (!report.ok) {
    return {
      ok: false,
      status: 'broken-code',
      problem: 'the verifier failed',
      errors: failedErrors(report.checks),
      checks: report.checks,
    };
  }
  return { ...built, checks: report.checks };
}
