// Verification before training, inside the trainer child: the static checks, then the dynamic
// correctness checks (shapes, causality, batch independence, gradients, parameter count with depth
// tuning, loss decreasing). Speed and memory against the GPT seed are the verifier's business
// (`blocksmith verify`): they judge cost, not correctness, and would double the start-up time.
import type { Block } from '../gab/contract';
import type { Rung } from '../ladder/rungs';
import { DYNAMIC_CHECKS } from '../verify/dynamic/checks';
import { disposeProbe, errorText, type CheckContext } from '../verify/dynamic/context';
import { checkStatic } from '../verify/static';
import type { CheckResult } from '../verify/types';

const SKIPPED = new Set(['dynamic/speed', 'dynamic/memory']);

export class VerifyError extends Error {
  override readonly name = 'VerifyError';
  constructor(
    message: string,
    readonly failures: readonly CheckResult[],
  ) {
    super(message);
  }
}

export interface Verified {
  readonly block: Block;
  /** The depth the ladder runs the design at (tuned by dynamic/params). */
  readonly nBlocks: number;
  /** Warnings of checks that passed with a warning. */
  readonly warnings: readonly string[];
}

const where = (file: string, r: CheckResult): string =>
  r.line !== undefined ? `${file}:${r.line}:${r.column ?? 1}` : file;

function failure(file: string, failures: readonly CheckResult[]): VerifyError {
  const lines = failures.map((r) => `  ${where(file, r)} ${r.id}: ${r.message}`);
  return new VerifyError(
    `${file} failed verification, so no training started:\n${lines.join('\n')}\n` +
      `Fix these, then check with 'blocksmith verify ${file}'.`,
    failures,
  );
}

async function dynamicChecks(ctx: CheckContext): Promise<CheckResult[]> {
  const failed = new Set<string>();
  const results: CheckResult[] = [];
  try {
    for (const check of DYNAMIC_CHECKS) {
      if (SKIPPED.has(check.id) || !check.gate(failed)) {
        failed.add(check.id);
        continue;
      }
      let out: CheckResult[];
      try {
        out = await check.run(ctx);
      } catch (err) {
        out = [
          {
            id: check.id,
            ok: false,
            severity: 'error',
            message: `could not run: ${errorText(err)}`,
          },
        ];
      }
      for (const r of out) {
        results.push(r);
        if (!r.ok && r.severity === 'error') {
          failed.add(r.id);
        }
      }
    }
  } finally {
    disposeProbe(ctx);
  }
  return results;
}

/** Verifies `source` at `rung` on the backend already started; throws VerifyError on failure. */
export async function verifyForTraining(
  fileName: string,
  source: string,
  rung: Rung,
  seed: number,
): Promise<Verified> {
  const isError = (r: CheckResult): boolean => !r.ok && r.severity === 'error';
  const statics = checkStatic(fileName, source);
  if (statics.some(isError)) {
    throw failure(fileName, statics.filter(isError));
  }
  const job = { fileName, source, rung, backend: 'wasm' as const, seed };
  const ctx: CheckContext = { job, rung, send: () => undefined, nBlocks: rung.nBlocks };
  const dynamic = await dynamicChecks(ctx);
  if (dynamic.some(isError) || !ctx.block) {
    throw failure(fileName, dynamic.filter(isError));
  }
  const warnings = [...statics, ...dynamic]
    .filter((r) => !r.ok && r.severity === 'warning')
    .map((r) => `${r.id}: ${r.message}`);
  return { block: ctx.block, nBlocks: ctx.nBlocks, warnings };
}
