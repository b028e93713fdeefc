// STUB (owned by the static-verifier helper): replace the body, keep the signature.
import type { CheckResult } from '../types';

export interface StaticOptions {
  /** The parent design's source: with `editedUnit`, units other than it must be unchanged. */
  readonly parentSource?: string;
  readonly editedUnit?: string;
}

/** Runs every static check on a block file's text; milliseconds when warm. */
export function checkStatic(
  fileName: string,
  source: string,
  opts: StaticOptions = {},
): CheckResult[] {
  void fileName;
  void source;
  void opts;
  throw new Error('checkStatic: not implemented yet');
}
