// Renders a verification report as text (the CLI's output, the extension's output channel) and
// as the stable JSON shape that scripts and CI read. No vscode import.
import type { CheckResult, VerifyReport } from '../verify/types';

/** One check in the CLI's `--json` shape: exactly these keys, line/column only when known. */
export interface JsonCheck {
  readonly id: string;
  readonly ok: boolean;
  readonly severity: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export interface JsonReport {
  readonly file?: string;
  readonly ok: boolean;
  readonly checks: readonly JsonCheck[];
}

/** The `--json` object for one file; `file` is added when several files are verified. */
export function toJson(report: VerifyReport, file?: string): JsonReport {
  const checks = report.checks.map((c): JsonCheck => {
    const out: JsonCheck = { id: c.id, ok: c.ok, severity: c.severity, message: c.message };
    return {
      ...out,
      ...(c.line !== undefined ? { line: c.line } : {}),
      ...(c.column !== undefined ? { column: c.column } : {}),
    };
  });
  return file === undefined ? { ok: report.ok, checks } : { file, ok: report.ok, checks };
}

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    `\x1b[${open}m${s}\x1b[${close}m`;

/** ANSI colours, or none (for pipes, files, NO_COLOR and the output channel). */
export function paint(colour: boolean): Paint {
  const id = (s: string): string => s;
  return colour
    ? {
        red: wrap(31, 39),
        yellow: wrap(33, 39),
        green: wrap(32, 39),
        dim: wrap(2, 22),
        bold: wrap(1, 22),
      }
    : { red: id, yellow: id, green: id, dim: id, bold: id };
}

function where(file: string, c: CheckResult): string {
  return c.line === undefined ? file : `${file}:${c.line}:${c.column ?? 1}`;
}

function failLine(file: string, c: CheckResult, p: Paint): string {
  const tag =
    c.severity === 'error'
      ? p.red('error')
      : c.severity === 'warning'
        ? p.yellow('warning')
        : 'info';
  return `${where(file, c)}: ${tag} ${p.dim(`[${c.id}]`)} ${c.message}`;
}

/** A readable report: failures first (file:line:column), then passes, then a verdict line. */
export function formatReport(file: string, report: VerifyReport, p: Paint = paint(false)): string {
  const failed = report.checks.filter((c) => !c.ok);
  const passed = report.checks.filter((c) => c.ok);
  const lines = failed.map((c) => failLine(file, c, p));
  const width = Math.max(0, ...passed.map((c) => c.id.length));
  for (const c of passed) {
    lines.push(`  ${p.green('ok')}  ${p.dim(c.id.padEnd(width))}  ${c.message}`);
  }
  const errors = failed.filter((c) => c.severity === 'error').length;
  const warnings = failed.length - errors;
  const verdict = report.ok ? p.green(p.bold('valid')) : p.red(p.bold('invalid'));
  lines.push(
    `${file}: ${verdict} (${passed.length} passed, ${errors} error(s), ${warnings} warning(s)/info)`,
  );
  return lines.join('\n');
}
