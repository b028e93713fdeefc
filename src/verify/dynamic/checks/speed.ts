// dynamic/speed: forward + backward time of the design's block stack against the GPT seed's at
// the same rung and backend (> 3x error, > 1.5x warning, as Genesys gates). The GPT figures come
// cached from the parent, or are measured here and sent back for the parent to cache.
import { loadBlock } from '../../../gab/loader';
import {
  disposeProbe,
  fail,
  loaded,
  noErrorsExcept,
  pass,
  type CheckContext,
  type DynamicCheck,
} from '../context';
import { measureStep } from '../measure';
import type { BaselineFigures } from '../../../sandbox/protocol';
import type { CheckResult } from '../../types';

const ID = 'dynamic/speed';
export const ERROR_RATIO = 3;
export const WARNING_RATIO = 1.5;

async function baselineOf(ctx: CheckContext): Promise<BaselineFigures | undefined> {
  return ctx.job.baseline ?? measureBaseline(ctx);
}

/** Measures the GPT seed in this child and sends the figures back for the parent to cache. */
async function measureBaseline(ctx: CheckContext): Promise<BaselineFigures | undefined> {
  if (ctx.job.baselineSource === undefined) {
    return undefined;
  }
  const gpt = loadBlock('gpt2/block.ts', ctx.job.baselineSource);
  const m = await measureStep(gpt, ctx.rung, ctx.rung.nBlocks, ctx.job.seed);
  const baseline = { ms: m.ms, wallMs: m.wallMs, bytes: m.bytes };
  ctx.send({ type: 'baseline', baseline });
  return baseline;
}

/** A ratio against the GPT seed, judged by the Genesys gates. */
export function judge(
  id: string,
  what: string,
  ratio: number,
  figures: string,
  data: Record<string, unknown>,
  fix: string,
): CheckResult {
  const text = `${what} ${ratio.toFixed(2)}x the GPT seed's (${figures})`;
  if (ratio > ERROR_RATIO) {
    return fail(id, `${text}, over the ${ERROR_RATIO}x limit: ${fix}.`, data);
  }
  if (ratio > WARNING_RATIO) {
    return fail(id, `${text}, over ${WARNING_RATIO}x: ${fix}.`, data, 'warning');
  }
  return pass(id, text, data);
}

export const speed: DynamicCheck = {
  id: ID,
  gate: noErrorsExcept(),
  async run(ctx) {
    disposeProbe(ctx); // free the cheap checks' tensors before measuring
    // An uncached baseline is measured first, right after the cheap checks: the point of a
    // child's life where every later design is measured against the cached figure (the first
    // model measured in a process runs measurably slower than later ones).
    let baseline = await baselineOf(ctx);
    let design = await measureStep(loaded(ctx), ctx.rung, ctx.nBlocks, ctx.job.seed);
    if (ctx.job.baseline && baseline && design.ms / baseline.ms > WARNING_RATIO) {
      // Past a gate against a cached figure: the machine's load may have changed since it was
      // measured. Judge on both measured again now, side by side, and refresh the cache.
      baseline = (await measureBaseline(ctx)) ?? baseline;
      const again = await measureStep(loaded(ctx), ctx.rung, ctx.nBlocks, ctx.job.seed);
      design = again.ms < design.ms ? again : design;
    }
    ctx.perf = baseline ? { design, baseline } : { design };
    if (!baseline) {
      return [
        pass(
          ID,
          `forward + backward ${design.ms.toFixed(1)} ms (no GPT seed baseline to compare with)`,
          { ...design },
        ),
      ];
    }
    const ratio = design.ms / baseline.ms;
    const data = {
      cpuMs: design.ms,
      wallMs: design.wallMs,
      baselineCpuMs: baseline.ms,
      baselineWallMs: baseline.wallMs,
      ratio,
      nBlocks: design.nBlocks,
    };
    return [
      judge(
        ID,
        'forward + backward takes',
        ratio,
        `${design.ms.toFixed(1)} ms vs ${baseline.ms.toFixed(1)} ms of CPU time a step`,
        data,
        'use ops.linear for projections and ops.causalAttention / ops.linearScan for sequence mixing, avoid per-position loops and large intermediate tensors',
      ),
    ];
  },
};
