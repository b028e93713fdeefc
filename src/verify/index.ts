// The verifier: static checks first (milliseconds); only if none fails with an error, the
// dynamic checks in a sandboxed child (seconds). Never throws for a bad block: every failure is
// a failed check in the report.
import { resolveRung, SMALLEST_RUNG, type Rung } from '../ladder/rungs';
import { checkDynamic } from './dynamic';
import { checkStatic } from './static';
import { isOk, type CheckResult, type VerifyReport } from './types';

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

/** Limits sensible for a rung: laptop rungs verify in seconds; paper rungs are far larger. */
export function defaultLimits(rung: Rung): { timeoutMs: number; memoryMb: number } {
  return rung.kind === 'laptop'
    ? { timeoutMs: 60_000, memoryMb: 2048 }
    : { timeoutMs: 600_000, memoryMb: 8192 };
}

/** Larger block files are refused before parsing: a design is a few hundred lines. */
export const MAX_SOURCE_CHARS = 1 << 20;

function runStatic(fileName: string, source: string, opts: VerifyOptions): CheckResult[] {
  if (source.length > MAX_SOURCE_CHARS) {
    const mib = (source.length / 2 ** 20).toFixed(1);
    return [
      {
        id: 'static/syntax',
        ok: false,
        severity: 'error',
        message: `${fileName} holds ${mib} Mi characters, over the ${MAX_SOURCE_CHARS / 2 ** 20} Mi a block file may have: a design is a few hundred lines; check that this is the right file.`,
        line: 1,
        column: 1,
      },
    ];
  }
  try {
    const staticOpts = {
      ...(opts.parentSource !== undefined ? { parentSource: opts.parentSource } : {}),
      ...(opts.editedUnit !== undefined ? { editedUnit: opts.editedUnit } : {}),
    };
    return checkStatic(fileName, source, staticOpts);
  } catch (err) {
    return [
      {
        id: 'verify/internal',
        ok: false,
        severity: 'error',
        message: `the static checker failed on ${fileName}: ${err instanceof Error ? err.message : String(err)}. This is a Blocksmith bug: please report it with the block file.`,
      },
    ];
  }
}

function backendOf(name: string | undefined): 'wasm' | 'cpu' {
  if (name === undefined || name === 'wasm' || name === 'auto') {
    return 'wasm';
  }
  if (name === 'cpu') {
    return 'cpu';
  }
  throw new Error(`unknown backend '${name}' for verification: use 'wasm' or 'cpu'`);
}

/** Static checks, then (only if they pass) the dynamic checks in a sandboxed child. */
export async function verifySource(
  fileName: string,
  source: string,
  opts: VerifyOptions = {},
): Promise<VerifyReport> {
  const rung = resolveRung(opts.rung ?? SMALLEST_RUNG.name);
  const backend = backendOf(opts.backend);
  const staticResults = runStatic(fileName, source, opts);
  if (opts.staticOnly || !isOk(staticResults)) {
    return { ok: isOk(staticResults), checks: staticResults };
  }
  const limits = defaultLimits(rung);
  const dynamic = await checkDynamic(fileName, source, {
    rung,
    backend,
    timeoutMs: opts.timeoutMs ?? limits.timeoutMs,
    memoryMb: opts.memoryMb ?? limits.memoryMb,
    onCheck: (check) => opts.onProgress?.(`running ${check}`),
  });
  const checks = [...staticResults, ...dynamic];
  return { ok: isOk(checks), checks };
}

/** Reads `path` and verifies it. */
export async function verifyFile(path: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const { readFile } = await import('node:fs/promises');
  return verifySource(path, await readFile(path, 'utf8'), opts);
}
