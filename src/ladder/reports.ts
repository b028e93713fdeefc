// Reading finished runs back (the parent side: the ladder and `blocksmith train`): report.json of a
// run folder, tolerant of a missing or half-written file, and the GPT seed's identity (the
// reference every rung normalises against), found by the hash of its code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeHash, type RunReport } from '../train/report';
import { gptSeedPath } from '../verify/dynamic/baseline';

export { gptSeedPath };

/** The GPT seed's source as shipped with the package. */
export function gptSeedSource(): string {
  return readFileSync(gptSeedPath(), 'utf8');
}

let seedHash: string | undefined;

/** codeHash of the shipped GPT seed: a design with this hash is the GPT seed. */
export function gptSeedHash(): string {
  seedHash ??= codeHash(gptSeedSource());
  return seedHash;
}

/** report.json in `runDir`, or undefined when there is none or it cannot be read. */
export function readRunReport(runDir: string): RunReport | undefined {
  const file = join(runDir, 'report.json');
  if (!existsSync(file)) {
    return undefined;
  }
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunReport>;
    if (typeof r.status !== 'string' || typeof r.codeHash !== 'string') {
      return undefined;
    }
    // a report from an older trainer may lack the probes
    return { ...r, probes: Array.isArray(r.probes) ? r.probes : [] } as RunReport;
  } catch {
    return undefined; // written atomically, so only a hand-edited file lands here
  }
}

/** A JSON number of a report: non-finite values are stored as strings ("NaN", "Infinity"). */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') {
    return v;
  }
  return typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined;
}

/** The steps a run was set to train (a stopped run's report says how far it got in `steps`). */
export function plannedSteps(r: RunReport): number {
  return num(r.config?.['steps']) ?? r.steps;
}

/** A completed run of the GPT seed at `rung` in the workspace's runs folder that `accept`s. */
export function findGptRun(
  workspace: string,
  rung: string,
  accept: (r: RunReport) => boolean = () => true,
): { readonly runDir: string; readonly report: RunReport } | undefined {
  const runs = join(workspace, '.blocksmith', 'runs');
  let designs: string[];
  try {
    designs = readdirSync(runs);
  } catch {
    return undefined;
  }
  for (const design of designs.sort()) {
    const runDir = join(runs, design, rung);
    const report = readRunReport(runDir);
    if (report?.status === 'completed' && report.codeHash === gptSeedHash() && accept(report)) {
      return { runDir, report };
    }
  }
  return undefined;
}
