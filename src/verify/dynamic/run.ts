// Runs the dynamic checks inside the sandboxed child, in order, each gated on the earlier
// results; streams progress and results to the parent through `send`.
import type { Job, RunnerMessage } from '../../sandbox/protocol';
import type { CheckResult } from '../types';
import { DYNAMIC_CHECKS } from './checks';
import { disposeProbe, errorText, fail, isAllocationError, type CheckContext } from './context';

export const MEMORY_LIMIT_ID = 'dynamic/memory-limit';

/** What the sandbox reports when an allocation failed inside `check`. */
export function memoryLimitResult(check: string, detail: string): CheckResult {
  return fail(
    MEMORY_LIMIT_ID,
    `an allocation failed during ${check}: ${detail}. The design asks for more memory than the ` +
      `limit: shrink the shapes it allocates (parameters, ops.full, intermediate tensors).`,
    { check },
  );
}

export async function runChecks(job: Job, send: (msg: RunnerMessage) => void): Promise<void> {
  const ctx: CheckContext = { job, rung: job.rung, send, nBlocks: job.rung.nBlocks };
  const failed = new Set<string>();
  try {
    for (const check of DYNAMIC_CHECKS) {
      if (!check.gate(failed)) {
        failed.add(check.id); // skipped: the checks that need it are skipped too
        continue;
      }
      send({ type: 'progress', check: check.id });
      let results: CheckResult[];
      try {
        results = await check.run(ctx);
      } catch (err) {
        if (isAllocationError(err)) {
          send({ type: 'result', result: memoryLimitResult(check.id, errorText(err)) });
          return;
        }
        results = [
          fail(check.id, `${check.id} could not run: ${errorText(err)}. Fix the error it names.`),
        ];
      }
      for (const result of results) {
        send({ type: 'result', result });
        if (!result.ok && result.severity === 'error') {
          failed.add(result.id);
        }
      }
    }
  } finally {
    disposeProbe(ctx);
  }
}
