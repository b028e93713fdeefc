// The verifier's results, shared by the static and dynamic checks, the CLI and the extension.

export type Severity = 'error' | 'warning' | 'info';

/** One check's outcome. Locations are 1-based, as editors show them. */
export interface CheckResult {
  /** Stable id, e.g. 'static/forbidden-global' or 'dynamic/causality'. */
  readonly id: string;
  readonly ok: boolean;
  readonly severity: Severity;
  /** What failed and what to do; for a passing check, what was measured. */
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  /** The unit the finding concerns, where known. */
  readonly unit?: string;
  /** Measured figures (parameter count, ratios, timings), for reports. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The whole verification: ok when no check failed with severity 'error'. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

/** A design passes when no failed check is an error (warnings do not block). */
export function isOk(checks: readonly CheckResult[]): boolean {
  return checks.every((c) => c.ok || c.severity !== 'error');
}
