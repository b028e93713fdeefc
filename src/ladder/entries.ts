// Turning a finished trainer (its report.json, or how it ended) into the ladder's RungEntry.
import type { RunReport } from '../train/report';
import type { TrainOutcome } from '../train/spawn';
import type { EntryStatus, ProbeLite, RungEntry } from './rank';
import { num } from './reports';
import { SLOW_RATIO } from './speed';

/** Who is being trained: a design given to the ladder, or the GPT seed as the reference. */
export interface Contender {
  readonly id: string;
  readonly blockPath: string;
  readonly source: string;
  readonly hash: string;
  readonly isGpt: boolean;
  readonly reference: boolean;
  /** Where the reference trains (designs train in their own workspace's runs folder). */
  readonly runDir?: string;
}

/** The first line of a message, shortened: a leaderboard cell, not a log. */
export function firstLine(text: string, max = 160): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  const t = line.trim();
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

const base = (c: Contender): Pick<RungEntry, 'design' | 'blockPath' | 'reference' | 'isGpt'> => ({
  design: c.id,
  blockPath: c.blockPath,
  reference: c.reference,
  isGpt: c.isGpt,
});

function probesOf(r: RunReport): ProbeLite[] {
  return r.probes.map((p) => ({
    name: p.name,
    accuracy: num(p.accuracy) ?? NaN,
    chance: num(p.chance) ?? 0,
  }));
}

function speedOf(
  c: Contender,
  r: RunReport,
  refRun: RunReport | undefined,
): Pick<RungEntry, 'speedVsGpt' | 'slow'> {
  const own = num(r.speed?.relativeToGpt);
  if (own !== undefined) {
    return { speedVsGpt: own, slow: r.speed?.slow ?? own < 1 / SLOW_RATIO };
  }
  const tps = num(r.tokensPerSec);
  const refTps = num(refRun?.tokensPerSec);
  if (c.isGpt || !refRun || refRun.backend !== r.backend || !tps || !refTps) {
    return c.isGpt ? { speedVsGpt: 1, slow: false } : {};
  }
  return { speedVsGpt: tps / refTps, slow: tps / refTps < 1 / SLOW_RATIO };
}

/** An entry from a run's report.json; `refRun` is the GPT reference's report at the same rung. */
export function entryFromReport(
  c: Contender,
  r: RunReport,
  reportPath: string,
  opts: { readonly reused: boolean; readonly note?: string; readonly refRun?: RunReport },
): RungEntry {
  const diverged = r.config?.['diverged'];
  const message =
    r.status === 'diverged'
      ? `diverged: ${typeof diverged === 'string' ? diverged : 'loss blew up'}`
      : r.status === 'stopped'
        ? `stopped at step ${r.steps}: run the ladder again to resume`
        : [opts.note, r.probeError].filter((s) => s !== undefined).join('; ') || undefined;
  const bpb = num(r.final.bitsPerByte);
  const wall = num(r.wallMs);
  const tps = num(r.tokensPerSec);
  const probes = probesOf(r);
  return {
    ...base(c),
    status: r.status,
    reused: opts.reused,
    ...(message !== undefined ? { message } : {}),
    valLoss: num(r.final.valLoss) ?? NaN,
    ...(bpb !== undefined ? { bitsPerByte: bpb } : {}),
    steps: r.steps,
    ...(tps !== undefined ? { tokensPerSec: tps } : {}),
    ...(wall !== undefined ? { wallMs: wall } : {}),
    ...(probes.length > 0 ? { probes } : {}),
    ...speedOf(c, r, opts.refRun),
    report: reportPath,
  };
}

/** An entry for a trainer that ended without a report: invalid design, bad data, a crash. */
export function entryFromFailure(c: Contender, out: TrainOutcome): RungEntry {
  let status: EntryStatus = 'failed';
  let message: string;
  if (out.error) {
    status = out.error.kind === 'verify' ? 'invalid' : 'failed';
    const lines = out.error.message.split('\n').map((l) => l.trim());
    // a verify error lists the failed checks on the lines after its first: show the first check
    const detail =
      out.error.kind === 'verify' ? lines.find((l) => /\b\w+\/[\w-]+:/.test(l)) : undefined;
    message = `${out.error.kind} error: ${firstLine(detail ?? out.error.message, 300)}`;
  } else {
    message =
      `the trainer ended without a result (exit ${String(out.exitCode)}, signal ` +
      `${String(out.signal)}): ${firstLine(out.stderrTail || 'no output')}`;
  }
  return { ...base(c), status, reused: false, message };
}
