// "A design far slower than the GPT seed is flagged": the parent finds what it knows of the GPT
// seed's speed at a rung (a completed GPT run in the workspace, or the verifier's cached baseline)
// and passes it in the TrainJob; the trainer child turns it into report.json's `speed`.
import type { Rung } from './rungs';
import type { GptSpeed } from '../train/protocol';
import type { SpeedVsGpt } from '../train/report';
import { baselineKey, readBaseline } from '../verify/dynamic/baseline';
import { findGptRun, gptSeedHash, gptSeedSource, num } from './reports';

/** Over this many times slower than the GPT seed a design is flagged (the Genesys speed gate). */
export const SLOW_RATIO = 3;

/** The backends the verifier caches baselines for. */
const BASELINE_BACKENDS = ['wasm', 'cpu'] as const;

/**
 * What the parent knows of the GPT seed's speed at `rung` for a design in `workspace`; undefined
 * for the GPT seed itself (it is the reference) or when nothing is known.
 */
export function gptSpeedFor(
  workspace: string,
  rung: Rung,
  designHash: string,
): GptSpeed | undefined {
  if (designHash === gptSeedHash()) {
    return undefined;
  }
  const found = findGptRun(workspace, rung.name);
  const tps = num(found?.report.tokensPerSec);
  const run =
    found && tps !== undefined && tps > 0
      ? { tokensPerSec: tps, backend: found.report.backend }
      : undefined;
  const baselineMs: Record<string, number> = {};
  const source = gptSeedSource();
  for (const backend of BASELINE_BACKENDS) {
    const b = readBaseline(baselineKey(rung, backend, source));
    if (b) {
      baselineMs[backend] = b.ms;
    }
  }
  const haveBaseline = Object.keys(baselineMs).length > 0;
  if (!run && !haveBaseline) {
    return undefined;
  }
  return { ...(run ? { run } : {}), ...(haveBaseline ? { baselineMs } : {}) };
}

const judged = (
  relativeToGpt: number,
  source: SpeedVsGpt['source'],
  gptTokensPerSec?: number,
): SpeedVsGpt => ({
  relativeToGpt,
  source,
  ...(gptTokensPerSec !== undefined ? { gptTokensPerSec } : {}),
  slow: relativeToGpt < 1 / SLOW_RATIO,
});

/**
 * The design's speed against the GPT seed (in the trainer child, after training): against a GPT
 * run on the same backend when there is one (both are training tokens/s), else against the
 * verifier's cached baseline for this backend, measuring the design the same way (`measureMs`:
 * forward + backward CPU ms of the block stack at the rung, as dynamic/speed measures it).
 */
export async function speedVsGpt(
  ref: GptSpeed | undefined,
  backend: string,
  tokensPerSec: number,
  measureMs: () => Promise<number>,
): Promise<SpeedVsGpt | undefined> {
  if (ref?.run && ref.run.backend === backend && tokensPerSec > 0 && ref.run.tokensPerSec > 0) {
    return judged(tokensPerSec / ref.run.tokensPerSec, 'gpt-run', ref.run.tokensPerSec);
  }
  const baseline = ref?.baselineMs?.[backend];
  if (baseline === undefined || !(baseline > 0)) {
    return undefined;
  }
  const ms = await measureMs();
  return ms > 0 && Number.isFinite(ms) ? judged(baseline / ms, 'verifier-baseline') : undefined;
}
