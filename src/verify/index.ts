// STUB (owned by the dynamic-verifier helper): replace the body, keep the signatures.
import type { VerifyReport } from './types';

export interface VerifyOptions {
  /** Rung name (default: the smallest rung). */
  readonly rung?: string;
  /** Progress lines while the dynamic checks run. */
  readonly onProgress?: (message: string) => void;
  /** Skip the dynamic checks. */
  readonly staticOnly?: boolean;
  /** Backend for the dynamic checks: 'wasm' (default) or 'cpu'. */
  readonly backend?: string;
  /** Wall-clock limit of the sandboxed child, ms. */
  readonly timeoutMs?: number;
  /** Memory limit of the sandboxed child, MiB. */
  readonly memoryMb?: number;
  /** Parent design's source and the unit the proposal edits (protection check). */
  readonly parentSource?: string;
  readonly editedUnit?: string;
}

/** Static checks, then (only if they pass) the dynamic checks in a sandboxed child. */
export async function verifySource(
  fileName: string,
  source: string,
  opts: VerifyOptions = {},
): Promise<VerifyReport> {
  await Promise.resolve();
  void fileName;
  void source;
  void opts;
  throw new Error('verifySource: not implemented yet');
}

/** Reads `path` and verifies it. */
export async function verifyFile(path: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const { readFile } = await import('node:fs/promises');
  return verifySource(path, await readFile(path, 'utf8'), opts);
}
