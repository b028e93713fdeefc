// The parent side of the dynamic verification: prepares the job (with the cached GPT baseline,
// or the GPT seed's source to measure), runs it in the sandbox, caches a newly measured baseline,
// and turns every way the child can end into check results. Never throws for a bad block.
import { existsSync, readFileSync } from 'node:fs';
import type { Rung } from '../../ladder/rungs';
import type { Job, RunnerMessage } from '../../sandbox/protocol';
import { runSandbox, type SandboxOutcome } from '../../sandbox/spawn';
import type { CheckResult } from '../types';
import { baselineKey, gptSeedPath, readBaseline, writeBaseline } from './baseline';
import { fail } from './context';

export interface DynamicOptions {
  readonly rung: Rung;
  readonly backend: 'wasm' | 'cpu';
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** Called with each check's id as it starts. */
  readonly onCheck?: (check: string) => void;
  /** Seed of initialisation and probes (default 1). */
  readonly seed?: number;
}

function makeJob(
  fileName: string,
  source: string,
  opts: DynamicOptions,
): { job: Job; key?: string } {
  const base = { fileName, source, rung: opts.rung, backend: opts.backend, seed: opts.seed ?? 1 };
  const seedPath = gptSeedPath();
  if (!existsSync(seedPath)) {
    return { job: base };
  }
  const seedSource = readFileSync(seedPath, 'utf8');
  const key = baselineKey(opts.rung, opts.backend, seedSource);
  const baseline = readBaseline(key);
  // The GPT seed's source always travels: with a cached baseline the child still re-measures it
  // beside a design that looks slow, so a figure cached at a quieter moment cannot fail a design.
  return { job: { ...base, baselineSource: seedSource, ...(baseline ? { baseline } : {}) }, key };
}

/** The results a child's ending adds to those it sent. */
export function endingResults(
  out: SandboxOutcome,
  limits: { timeoutMs: number; memoryMb: number },
): CheckResult[] {
  const during = out.lastCheck ?? 'start-up';
  const tail = out.stderrTail.trim().split('\n').slice(-8).join('\n');
  const fatal = out.messages.find(
    (m): m is Extract<RunnerMessage, { type: 'fatal' }> => m.type === 'fatal',
  );
  const sentLimit = out.messages.some(
    (m) => m.type === 'result' && m.result.id === 'dynamic/memory-limit',
  );
  if (out.end === 'timeout') {
    return [
      fail(
        'dynamic/timeout',
        `the sandbox was stopped after ${limits.timeoutMs / 1000} s while ${during} was running: ` +
          `look for a loop that never ends or work that grows too fast in the code that check runs ` +
          `(the forward pass for the shape, causality and gradient checks).`,
        { check: during, timeoutMs: limits.timeoutMs },
      ),
    ];
  }
  if (
    out.end === 'memory' ||
    (!sentLimit && /heap out of memory|Allocation failed|OOM/i.test(out.stderrTail))
  ) {
    return [
      fail(
        'dynamic/memory-limit',
        `the sandbox went past its ${limits.memoryMb} MiB memory limit (peak ${Math.round(out.peakRssMb)} MiB ` +
          `resident) while ${during} was running: shrink the shapes the design allocates ` +
          `(parameters, ops.full, intermediate tensors such as [B, L, L] per head, arrays grown in loops).`,
        { check: during, memoryMb: limits.memoryMb, peakRssMb: out.peakRssMb },
      ),
    ];
  }
  if (out.end === 'done' || sentLimit) {
    return [];
  }
  const why = fatal
    ? fatal.message
    : tail || `exit code ${out.exitCode ?? '?'}, signal ${out.signal ?? 'none'}`;
  return [
    fail('dynamic/crash', `the sandbox died while ${during} was running: ${why}`, {
      check: during,
      exitCode: out.exitCode,
      signal: out.signal,
    }),
  ];
}

/** Runs the dynamic checks of a block file in a sandboxed child. */
export async function checkDynamic(
  fileName: string,
  source: string,
  opts: DynamicOptions,
): Promise<CheckResult[]> {
  const { job, key } = makeJob(fileName, source, opts);
  const limits = { timeoutMs: opts.timeoutMs, memoryMb: opts.memoryMb };
  const out = await runSandbox(job, limits, (msg) => {
    if (msg.type === 'progress') {
      opts.onCheck?.(msg.check);
    } else if (msg.type === 'baseline' && key !== undefined) {
      writeBaseline(key, msg.baseline);
    }
  });
  const results = out.messages.flatMap((m) => (m.type === 'result' ? [m.result] : []));
  return [...results, ...endingResults(out, limits)];
}
