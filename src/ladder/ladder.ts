// The narrowing ladder, Genesys-style: every design trains at the lowest rung (one at a time, each
// in the sandboxed trainer child), the rung is ranked by fitness against the GPT seed, the top
// quarter goes up to the next rung, and so on. The GPT seed trains at every rung as the reference
// when it is not among the designs. A run that finished is never repeated: its report is reused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rung } from './rungs';
import { resolveConfig } from '../train/config';
import type { TrainJob, TrainerMessage } from '../train/protocol';
import { codeHash, type RunReport } from '../train/report';
import { designIdOf, runDirOf, spawnTrainer, workspaceOf } from '../train/spawn';
import { entryFromFailure, entryFromReport, type Contender } from './entries';
import { finalRanking, scoreRung, type FinalPlace, type RungEntry, type RungResult } from './rank';
import {
  findGptRun,
  gptSeedHash,
  gptSeedPath,
  gptSeedSource,
  plannedSteps,
  readRunReport,
} from './reports';
import { gptSpeedFor } from './speed';

export class LadderError extends Error {
  override readonly name = 'LadderError';
}

export interface LadderOptions {
  /** Absolute paths of the designs' block files. */
  readonly blockPaths: readonly string[];
  /** The rungs to climb, smallest first. */
  readonly rungs: readonly Rung[];
  /** Every run trains this fraction of its rung's steps (1: the rung's token budget). */
  readonly stepsScale: number;
  readonly probes: boolean;
  readonly backend: string;
  readonly seed: number;
  readonly dataPaths: readonly string[];
  /** Data-parallel workers of each run (default: the trainer's, 2 on two cores or more). */
  readonly workers?: number;
}

/** What the ladder reports as it goes (the CLI prints it); all optional. */
export interface LadderHooks {
  readonly onStart?: (rung: Rung, who: Contender, index: number, count: number) => void;
  readonly onMessage?: (rung: Rung, who: Contender, m: TrainerMessage) => void;
  readonly onEntry?: (rung: Rung, entry: RungEntry) => void;
  readonly onRung?: (result: RungResult) => void;
  /** The trainer seam (tests); default spawnTrainer. */
  readonly spawn?: typeof spawnTrainer;
}

export interface LadderResult {
  readonly rungs: readonly RungResult[];
  readonly ranking: readonly FinalPlace[];
  /** True when a stop request ended the ladder early. */
  readonly stopped: boolean;
  readonly warnings: readonly string[];
}

export interface LadderRun {
  /** Stops the run in progress (it checkpoints) and ends the ladder after it. */
  stop(): void;
  readonly result: Promise<LadderResult>;
}

/** The steps the trainer gives a run at `rung` by default (its token budget). */
export function defaultSteps(rung: Rung, seed = 0): number {
  const job = { rung: rung.name, seed } as unknown as TrainJob;
  const input = { job, design: '', codeHash: '', nBlocks: rung.nBlocks, hp: {}, vocabSize: 0 };
  return resolveConfig({ ...input, data: {} }).steps;
}

/** The designs, checked: readable, distinct ids. */
export function contenders(blockPaths: readonly string[]): Contender[] {
  const seen = new Map<string, string>();
  return blockPaths.map((blockPath) => {
    const id = designIdOf(blockPath);
    const other = seen.get(id);
    if (other !== undefined) {
      throw new LadderError(
        `${other} and ${blockPath} would share the run folder '${id}': give each design its own ` +
          `folder (designs/<id>/block.ts)`,
      );
    }
    seen.set(id, blockPath);
    const source = readFileSync(blockPath, 'utf8');
    const hash = codeHash(source);
    const isGpt = hash === gptSeedHash();
    return { id, blockPath, source, hash, isGpt, reference: false };
  });
}

/**
 * The GPT seed as the reference at `rung`, trained for `steps` (so its loss compares with the
 * designs'): a completed run of that length anywhere in the workspace is reused; else it trains
 * in a runs folder no design uses and no other GPT run of another length holds.
 */
function referenceFor(
  designs: readonly Contender[],
  rung: string,
  ws: string,
  steps: number,
): Contender {
  const base = { source: gptSeedSource(), hash: gptSeedHash(), isGpt: true, reference: true };
  const blockPath = gptSeedPath();
  const fits = (r: RunReport): boolean => r.codeHash === gptSeedHash() && plannedSteps(r) === steps;
  const found = findGptRun(ws, rung, fits);
  if (found) {
    return { ...base, id: found.report.design, blockPath, runDir: found.runDir };
  }
  const taken = new Set(designs.map((d) => d.id));
  const free = (id: string): boolean => {
    const r = readRunReport(join(ws, '.blocksmith', 'runs', id, rung));
    return !taken.has(id) && (r === undefined || fits(r));
  };
  const ids = ['gpt2', 'gpt2-seed', `gpt2-${String(steps)}-steps`];
  const id = ids.find(free) ?? `gpt2-${String(steps)}-steps`;
  return { ...base, id, blockPath, runDir: join(ws, '.blocksmith', 'runs', id, rung) };
}

class Climb {
  private stopped = false;
  private current: { stop(): void } | undefined;
  private refRun: RunReport | undefined;
  readonly warnings: string[] = [];

  constructor(
    private readonly o: LadderOptions,
    private readonly hooks: LadderHooks,
    private readonly designs: readonly Contender[],
  ) {}

  stop(): void {
    this.stopped = true;
    this.current?.stop();
  }

  async run(): Promise<LadderResult> {
    let designs = this.designs;
    const ws = workspaceOf(this.o.blockPaths[0] ?? '.');
    const first = this.o.rungs.at(0);
    if (first !== undefined && designs.length > first.maxDesigns) {
      this.warnings.push(
        `${designs.length} designs at rung ${first.name}, which is sized for ${first.maxDesigns}`,
      );
    }
    const results: RungResult[] = [];
    for (const [i, rung] of this.o.rungs.entries()) {
      if (designs.length === 0 || this.stopped) {
        break;
      }
      const entries = await this.rung(rung, designs, ws);
      const result = {
        rung: rung.name,
        entries: scoreRung(entries, this.o.rungs[i + 1]?.maxDesigns ?? 0),
      };
      results.push(result);
      this.hooks.onRung?.(result);
      const up = new Set(result.entries.filter((e) => e.promoted).map((e) => e.design));
      designs = designs.filter((d) => up.has(d.id));
    }
    return {
      rungs: results,
      ranking: finalRanking(results),
      stopped: this.stopped,
      warnings: this.warnings,
    };
  }

  /** Trains (or reuses) the reference, then each design, at `rung`. */
  private async rung(rung: Rung, designs: readonly Contender[], ws: string): Promise<RungEntry[]> {
    this.refRun = undefined;
    const queue: Contender[] = designs.some((d) => d.isGpt)
      ? []
      : [referenceFor(designs, rung.name, ws, this.steps(rung) ?? defaultSteps(rung, this.o.seed))];
    queue.push(...designs);
    // a design that is the GPT seed trains first too: the others' speed is measured against it
    queue.sort((a, b) => Number(b.isGpt) - Number(a.isGpt));
    const entries: RungEntry[] = [];
    for (const [i, who] of queue.entries()) {
      if (this.stopped) {
        break;
      }
      this.hooks.onStart?.(rung, who, i, queue.length);
      const entry = await this.one(rung, who, ws);
      entries.push(entry);
      this.hooks.onEntry?.(rung, entry);
    }
    return entries;
  }

  /** The steps asked of every run at `rung`; undefined: the trainer's default. */
  private steps(rung: Rung): number | undefined {
    const scale = this.o.stepsScale;
    return scale === 1
      ? undefined
      : Math.max(1, Math.round(defaultSteps(rung, this.o.seed) * scale));
  }

  private runDir(rung: Rung, who: Contender, ws: string): string {
    if (who.reference) {
      return who.runDir ?? join(ws, '.blocksmith', 'runs', who.id, rung.name);
    }
    return runDirOf(who.blockPath, rung.name);
  }

  /** One design at one rung: its completed report if there is one, else a trainer run. */
  private async one(rung: Rung, who: Contender, ws: string): Promise<RungEntry> {
    const runDir = this.runDir(rung, who, ws);
    const old = readRunReport(runDir);
    const reportPath = join(runDir, 'report.json');
    const steps = this.steps(rung);
    const sameCode = old?.codeHash === who.hash;
    const needProbes = this.o.probes && (old?.probes.length === 0 || old?.probeError !== undefined);
    if (old?.status === 'completed' && sameCode && !needProbes) {
      const note =
        steps !== undefined && old.steps !== steps
          ? `reused a run of ${old.steps} steps (asked ${steps})`
          : 'reused';
      return this.entry(who, old, reportPath, { reused: true, note });
    }
    // a completed run asked for its probes resumes at its end with its own settings
    const resumeDone = old?.status === 'completed' && sameCode;
    const batch = old?.config?.['batch'];
    const job: TrainJob = {
      blockPath: who.blockPath,
      source: who.source,
      design: who.id,
      rung: rung.name,
      backend: this.o.backend,
      seed: resumeDone ? old.seed : this.o.seed,
      runDir,
      dataPaths: this.o.dataPaths,
      probes: this.o.probes,
      ...(this.o.workers !== undefined ? { workers: this.o.workers } : {}),
      ...(resumeDone ? { steps: old.steps } : steps !== undefined ? { steps } : {}),
      ...(resumeDone && typeof batch === 'number' ? { train: { batch } } : {}),
    };
    const speed = gptSpeedFor(ws, rung, who.hash);
    const spawn = this.hooks.spawn ?? spawnTrainer;
    const handle = spawn(speed ? { ...job, gptSpeed: speed } : job, (m) =>
      this.hooks.onMessage?.(rung, who, m),
    );
    this.current = handle;
    if (this.stopped) {
      handle.stop();
    }
    const out = await handle.outcome;
    this.current = undefined;
    const report = out.done ? readRunReport(runDir) : undefined;
    return report
      ? this.entry(who, report, reportPath, { reused: false })
      : entryFromFailure(who, out);
  }

  private entry(
    who: Contender,
    r: RunReport,
    path: string,
    opts: { reused: boolean; note?: string },
  ): RungEntry {
    if (who.isGpt && r.status === 'completed') {
      this.refRun = r;
    }
    return entryFromReport(who, r, path, {
      ...opts,
      ...(this.refRun ? { refRun: this.refRun } : {}),
    });
  }
}

/** Starts the ladder; `result` settles when it has climbed (or was stopped). */
export function startLadder(o: LadderOptions, hooks: LadderHooks = {}): LadderRun {
  if (o.blockPaths.length === 0) {
    throw new LadderError('the ladder needs at least one design (a block file)');
  }
  if (o.rungs.length === 0) {
    throw new LadderError('the ladder needs at least one rung');
  }
  if (!(o.stepsScale > 0 && o.stepsScale <= 1e3)) {
    throw new LadderError(`steps scale must be a number above 0, got ${String(o.stepsScale)}`);
  }
  const climb = new Climb(o, hooks, contenders(o.blockPaths));
  return {
    stop: () => {
      climb.stop();
    },
    result: climb.run(),
  };
}
