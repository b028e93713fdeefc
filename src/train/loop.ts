// The training loop: one AdamW step a batch, with progress, evaluation and checkpoints at their
// cadences, divergence detection, and a stop request (SIGTERM) honoured between steps with a
// checkpoint. Deterministic: batch `step` is a pure function of (seed, step), so a run resumed
// from a checkpoint replays exactly the steps the uninterrupted run would have taken.
import { saveCheckpoint } from './checkpoint';
import type { RunConfig } from './config';
import type { Engine } from './engine';
import { lrAt } from './optim';
import type { TrainerMessage } from './protocol';
import { snapshot, type RunState, type Shapes } from './state';

/** Loss above this (or NaN, or infinite) is divergence, as in Genesys. */
export const DIVERGED_LOSS = 1e4;
/** Steps not counted in the throughput figure: the first steps compile kernels. */
const WARMUP_STEPS = 3;
/** Checkpoint at least this often in wall time too, whatever the step cadence. */
const CHECKPOINT_MS = 120_000;

/** What the loop needs of the data (TokenDataset in src/data/dataset.ts). */
export interface TrainData {
  trainBatch(step: number, batch: number, context: number): Int32Array;
  valBatches(count: number, batch: number, context: number): Int32Array[];
  unigramLoss(): number;
  describe(): Record<string, unknown>;
}

export interface Session {
  /** Computes the steps: in this thread or on worker threads. */
  readonly engine: Engine;
  /** Parameter shapes by path (for checkpoints). */
  readonly shapes: Shapes;
  readonly data: TrainData;
  readonly cfg: RunConfig;
  /** Fixed validation windows [batch, context + 1]. */
  readonly val: readonly Int32Array[];
  readonly checkpointDir: string;
  readonly backend: string;
  readonly send: (m: TrainerMessage) => void;
  readonly stopRequested: () => boolean;
}

export interface LoopEnd {
  readonly status: 'completed' | 'stopped' | 'diverged';
  /** For a diverged run: what blew up. */
  readonly reason?: string;
  /** Steady-state tokens per second of this session (warm-up steps excluded). */
  readonly tokensPerSec: number;
  readonly lastLoss: number;
}

export async function sendEval(s: Session, state: RunState): Promise<number> {
  const valLoss = await s.engine.evalLoss(s.val);
  state.val.push([state.step, valLoss]);
  s.send({
    type: 'eval',
    step: state.step,
    tokens: state.tokens,
    valLoss,
    ...(s.cfg.vocab === 'bytes' ? { bitsPerByte: valLoss / Math.LN2 } : {}),
  });
  return valLoss;
}

export async function checkpoint(s: Session, state: RunState): Promise<void> {
  const train = await s.engine.exportState();
  const path = saveCheckpoint(s.checkpointDir, snapshot(train, s.shapes, s.cfg, state, s.backend));
  s.send({ type: 'checkpoint', step: state.step, path });
}

const nextTick = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

function divergence(loss: number, gradNorm: number): string | undefined {
  if (!Number.isFinite(loss)) {
    return `loss is ${String(loss)}`;
  }
  if (loss > DIVERGED_LOSS) {
    return `loss ${loss.toPrecision(4)} is above ${DIVERGED_LOSS}`;
  }
  return Number.isFinite(gradNorm) ? undefined : `gradient norm is ${String(gradNorm)}`;
}

/** Runs from state.step to cfg.steps (mutating `state`); checkpoints at its cadences and on stop. */
export async function trainLoop(s: Session, state: RunState): Promise<LoopEnd> {
  const { cfg } = s;
  const t0 = performance.now();
  const base = state.elapsedMs;
  let lastSave = t0;
  let steady: { t: number; tokens: number } | undefined;
  let lastLoss = NaN;
  const rate = (): number => {
    const dt = steady ? (performance.now() - steady.t) / 1000 : 0;
    return steady && dt > 0 ? (state.tokens - steady.tokens) / dt : 0;
  };
  const done = (status: LoopEnd['status'], reason?: string): LoopEnd => ({
    status,
    tokensPerSec: rate(),
    lastLoss,
    ...(reason !== undefined ? { reason } : {}),
  });
  const sessionStart = state.step;
  while (state.step < cfg.steps) {
    const lr = lrAt(state.step, cfg.steps, cfg.optim);
    const window = s.data.trainBatch(state.step, cfg.batch, cfg.context);
    const { loss, gradNorm } = await s.engine.step(window, lr);
    const bad = divergence(loss, gradNorm);
    if (bad !== undefined) {
      return done('diverged', `${bad} at step ${state.step + 1} (lr ${lr.toPrecision(3)})`);
    }
    state.step += 1;
    state.tokens += cfg.batch * cfg.context;
    state.elapsedMs = base + (performance.now() - t0);
    lastLoss = loss;
    if (state.step - sessionStart === WARMUP_STEPS) {
      steady = { t: performance.now(), tokens: state.tokens };
    }
    if (state.step % cfg.logEvery === 0 || state.step === cfg.steps) {
      state.train.push([state.step, loss]);
      const tps = rate() || (state.tokens / Math.max(1, state.elapsedMs)) * 1000;
      const msPerStep = (cfg.batch * cfg.context * 1000) / Math.max(tps, 1e-9);
      s.send({
        type: 'progress',
        step: state.step,
        totalSteps: cfg.steps,
        tokens: state.tokens,
        loss,
        lr,
        tokensPerSec: tps,
        gradNorm,
        elapsedMs: state.elapsedMs,
        etaMs: (cfg.steps - state.step) * msPerStep,
      });
    }
    if (state.step % cfg.evalEvery === 0 && state.step < cfg.steps) {
      await sendEval(s, state);
    }
    const due =
      state.step % cfg.checkpointEvery === 0 || performance.now() - lastSave > CHECKPOINT_MS;
    if (due && state.step < cfg.steps) {
      await checkpoint(s, state);
      lastSave = performance.now();
    }
    await nextTick(); // lets a SIGTERM handler run between steps (a step on workers yields too)
    if (s.stopRequested() && state.step < cfg.steps) {
      await checkpoint(s, state);
      return done('stopped');
    }
  }
  return done('completed');
}
