// One training run inside the trainer child, start to end: check the job, start the backend, open
// the data, verify the block (each a clear error before any training), build the LM and AdamW,
// resume from the newest sound checkpoint, train, evaluate, run the probes, write report.json.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseBackend, type ChosenBackend } from '../backend';
import { TokenDataset } from '../data/dataset';
import { tokenizerFor } from '../data/tokenizer';
import { resolveHParams } from '../gab/runtime';
import { LanguageModel } from '../model/lm';
import { packageRoot } from '../paths';
import { speedVsGpt } from '../ladder/speed';
import { runProbes } from '../probes';
import { measureStep } from '../verify/dynamic/measure';
import { CheckpointError, loadLatestCheckpoint } from './checkpoint';
import {
  checkJob,
  ConfigError,
  configDiff,
  jobRung,
  resolveConfig,
  type RunConfig,
} from './config';
import { startEngine } from './engine';
import { checkpoint, sendEval, trainLoop, type LoopEnd, type Session } from './loop';
import type { Done, TrainJob, TrainerMessage } from './protocol';
import {
  codeHash,
  downsample,
  writeReport,
  type ProbeScore,
  type RunReport,
  type SpeedVsGpt,
} from './report';
import { freshState, restore, shapesOf, type CheckpointMeta, type RunState } from './state';
import { checkTrainingShape, verifyForTraining } from './verify';
import { workersFor } from './workers';

/** The probes' width on laptop rungs: their tasks and step counts are sized for it. */
const LAPTOP_PROBE_D = 48;
/** How often a stop request is turned into an abort of the probes, in ms. */
const STOP_POLL_MS = 100;

export interface TrainerIo {
  readonly send: (m: TrainerMessage) => void;
  readonly stopRequested: () => boolean;
}

interface Prepared {
  readonly session: Session;
  /** The trainer's model: trained by the in-process engine, the workers' template otherwise. */
  readonly model: LanguageModel;
  readonly state: RunState;
  readonly backend: ChosenBackend;
  readonly warnings: readonly string[];
}

async function startBackend(choice: string): Promise<ChosenBackend> {
  try {
    return await chooseBackend(choice);
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
}

function hpOf(job: TrainJob, block: Parameters<typeof resolveHParams>[0]): Record<string, unknown> {
  try {
    return { ...resolveHParams(block, job.hp ?? {}) };
  } catch (err) {
    throw new ConfigError(`hyperparameters: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Loads the newest sound checkpoint into the session, if any; checks it is this run's. */
async function resume(s: Session, warnings: string[]): Promise<RunState> {
  const loaded = loadLatestCheckpoint<CheckpointMeta>(s.checkpointDir);
  warnings.push(...loaded.skipped.map((w) => `skipped a checkpoint: ${w}`));
  const ck = loaded.checkpoint;
  if (!ck || loaded.path === undefined) {
    return freshState();
  }
  const diff = configDiff(ck.meta.config, s.cfg);
  if (diff.length > 0) {
    throw new CheckpointError(
      `${loaded.path} belongs to a run with other settings (${diff.join('; ')}). Train with the ` +
        `same settings to resume it, or move ${s.checkpointDir} away to start afresh.`,
    );
  }
  if (ck.meta.backend !== s.backend) {
    warnings.push(
      `resumed a run started on '${ck.meta.backend}' on '${s.backend}': the curve may drift slightly`,
    );
  }
  // another worker count sums the same gradients in another order: allowed, like another backend
  const savedWorkers = (ck.meta.config as Partial<RunConfig>).workers ?? 1;
  if (savedWorkers !== s.cfg.workers) {
    warnings.push(
      `resumed a run trained on ${savedWorkers} worker(s) on ${s.cfg.workers}: the curve may ` +
        'drift within float tolerance',
    );
  }
  const { state, train } = restore(ck, s.shapes, loaded.path);
  await s.engine.importState(train);
  return state;
}

async function prepare(job: TrainJob, io: TrainerIo): Promise<Prepared> {
  checkJob(job);
  const rung = jobRung(job);
  mkdirSync(job.runDir, { recursive: true });
  const backend = await startBackend(job.backend);
  const tokenizer = tokenizerFor(rung.vocab);
  const data = await TokenDataset.open({
    paths: job.dataPaths,
    tokenizer,
    cacheDir: join(job.runDir, 'data'),
    seed: job.seed,
  });
  const verified = await verifyForTraining(job.blockPath, job.source, rung, job.seed);
  const hp = hpOf(job, verified.block);
  const cfg: RunConfig = resolveConfig({
    job,
    design: job.design ?? verified.block.name,
    codeHash: codeHash(job.source),
    nBlocks: verified.nBlocks,
    hp,
    vocabSize: tokenizer.vocabSize,
    data: data.describe(),
    workers: workersFor(job.workers, backend.name),
  });
  const model = new LanguageModel(verified.block, {
    vocab: tokenizer.vocabSize,
    d: rung.d,
    nBlocks: cfg.nBlocks,
    seed: job.seed,
    hp: job.hp ?? {},
  }).build(cfg.context);
  // the verifier checked its own shapes; check this one too, on the model that will train
  checkTrainingShape(job.blockPath, (x) => model.stack(x), { ...cfg, d: rung.d }, job.seed);
  const engine = await startEngine({
    model,
    replica: {
      source: job.source,
      fileName: job.blockPath,
      d: rung.d,
      nBlocks: cfg.nBlocks,
      hp: job.hp ?? {},
      vocab: tokenizer.vocabSize,
      seed: job.seed,
      backend: backend.name,
      optim: cfg.optim,
    },
    workers: cfg.workers,
    shape: cfg,
  });
  const session: Session = {
    engine,
    shapes: shapesOf(model),
    data,
    cfg,
    val: data.valBatches(cfg.evalBatches, cfg.batch, cfg.context),
    checkpointDir: join(job.runDir, 'checkpoints'),
    backend: backend.name,
    send: io.send,
    stopRequested: io.stopRequested,
  };
  const warnings = [...verified.warnings];
  try {
    const state = await resume(session, warnings);
    return { session, model, state, backend, warnings };
  } catch (err) {
    await engine.dispose(); // no worker thread outlives a failed start
    throw err;
  }
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The probes' outcome: the scores finished, and why they stopped short (if they did). */
interface Probed {
  readonly scores: readonly ProbeScore[];
  readonly error?: string;
}

function report(job: TrainJob, p: Prepared, end: LoopEnd, probed: Probed): RunReport {
  const { cfg } = p.session;
  const st = p.state;
  const valLoss = st.val[st.val.length - 1]?.[1] ?? NaN;
  return {
    design: cfg.design,
    blockPath: job.blockPath,
    codeHash: cfg.codeHash,
    rung: cfg.rung,
    hp: cfg.hp,
    seed: cfg.seed,
    backend: p.backend.name,
    workers: p.session.engine.workers,
    status: end.status,
    steps: st.step,
    tokens: st.tokens,
    wallMs: st.elapsedMs,
    // a run resumed at its end trains no step: keep the throughput of the steps it did train
    tokensPerSec:
      end.tokensPerSec > 0 ? end.tokensPerSec : (st.tokens / Math.max(1, st.elapsedMs)) * 1000,
    curves: { trainLoss: downsample(st.train), valLoss: downsample(st.val) },
    final: {
      trainLoss: end.lastLoss,
      valLoss,
      ...(cfg.vocab === 'bytes' ? { bitsPerByte: valLoss / Math.LN2 } : {}),
      unigramLoss: p.session.data.unigramLoss(),
    },
    probes: probed.scores,
    ...(probed.error !== undefined ? { probeError: probed.error } : {}),
    startedAt: st.startedAt,
    finishedAt: new Date().toISOString(),
    versions: { blocksmith: version(), ...p.backend.versions },
    config: { ...cfg, device: p.backend.device, ...(end.reason ? { diverged: end.reason } : {}) },
  };
}

/** Trains `job` to its end (completed, stopped or diverged); throws for a failure before training. */
export async function runTraining(job: TrainJob, io: TrainerIo): Promise<Done> {
  const p = await prepare(job, io);
  const { session: s, state } = p;
  io.send({
    type: 'hello',
    backend: p.backend.name,
    device: p.backend.device,
    versions: p.backend.versions,
    pid: process.pid,
    workers: s.engine.workers,
    totalSteps: s.cfg.steps,
    resumedFrom: state.step,
    config: { ...s.cfg, backendsPassedOver: p.backend.skipped },
    ...(p.warnings.length > 0 ? { warnings: p.warnings } : {}),
  });
  let end: LoopEnd;
  try {
    end = await trainLoop(s, state);
    if (end.status === 'completed') {
      await sendEval(s, state);
      await checkpoint(s, state);
    }
  } finally {
    await s.engine.dispose(); // the workers end here: stopped, completed, diverged or failed
  }
  let probed: Probed = { scores: [] };
  if (end.status === 'completed' && job.probes === true && !io.stopRequested()) {
    probed = await probes(p, job, io);
  }
  if (end.status === 'completed' && Number.isNaN(end.lastLoss)) {
    end = { ...end, lastLoss: state.train[state.train.length - 1]?.[1] ?? NaN };
  }
  let r = report(job, p, end, probed);
  p.model.dispose();
  const speed = end.status === 'completed' ? await speedOf(job, p, r.tokensPerSec) : undefined;
  r = speed ? { ...r, speed } : r;
  const path = writeReport(job.runDir, r);
  const step = end.status === 'diverged' ? state.step + 1 : state.step;
  return {
    type: 'done',
    status: end.status,
    step,
    report: path,
    summary: {
      ...r.final,
      tokensPerSec: r.tokensPerSec,
      wallMs: r.wallMs,
      ...(speed ? { relativeToGpt: speed.relativeToGpt, slow: speed.slow } : {}),
      ...(probed.error !== undefined ? { probeError: probed.error } : {}),
      ...(end.reason ? { reason: end.reason } : {}),
    },
  };
}

/**
 * Trains and scores the probes after a completed run: at width 48 on laptop rungs (the probes are
 * sized for it), the rung's width elsewhere. A stop request (SIGTERM) aborts them within about a
 * second; a probe that fails lands in the report instead of failing the run.
 */
async function probes(p: Prepared, job: TrainJob, io: TrainerIo): Promise<Probed> {
  const s = p.session;
  const scores: ProbeScore[] = [];
  const abort = new AbortController();
  const poll = setInterval(() => {
    if (io.stopRequested()) {
      abort.abort();
    }
  }, STOP_POLL_MS);
  const onResult = (r: ProbeScore): void => {
    scores.push(r);
    io.send({
      type: 'probe',
      name: r.name,
      accuracy: r.accuracy,
      detail: { ...r.detail, chance: r.chance, lr: r.lr, steps: r.steps },
    });
  };
  try {
    const rung = s.cfg.rung;
    await runProbes(p.model.block, {
      d: rung.kind === 'laptop' ? LAPTOP_PROBE_D : rung.d,
      seed: job.seed,
      hp: s.cfg.hp,
      onResult,
      signal: abort.signal,
    });
    return abort.signal.aborted
      ? { scores, error: 'stopped before the probes finished' }
      : { scores };
  } catch (err) {
    return { scores, error: `a probe failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearInterval(poll);
  }
}

/** report.json's `speed`, when the parent passed what it knows of the GPT seed's (job.gptSpeed). */
async function speedOf(
  job: TrainJob,
  p: Prepared,
  tokensPerSec: number,
): Promise<SpeedVsGpt | undefined> {
  const { cfg } = p.session;
  try {
    return await speedVsGpt(job.gptSpeed, p.backend.name, tokensPerSec, async () => {
      const block = p.model.block;
      return (await measureStep(block, cfg.rung, cfg.nBlocks, job.seed)).ms;
    });
  } catch {
    return undefined; // a figure for the leaderboard, never a reason to lose the run's report
  }
}
