// The training loop: one AdamW step a batch, with progress, evaluation and checkpoints at their
// cadences, divergence detection, and a stop request (SIGTERM) honoured between steps with a
// checkpoint. Deterministic: batch `step` is a pure function of (seed, step), so a run resumed
// from a checkpoint replays exactly the steps the uninterrupted run would have taken.
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel } from '../model/lm';
import { saveCheckpoint } from './checkpoint';
import type { RunConfig } from './config';
import { gradsByPath, lrAt, type AdamW } from './optim';
import type { TrainerMessage } from './protocol';
import { snapshot, type RunState } from './state';

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
  readonly model: LanguageModel;
  readonly opt: AdamW;
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

/** ids [B, L] and targets [B, L] of windows [B, L + 1] (row-major). */
function split(window: Int32Array, b: number, l: number): { ids: tf.Tensor; targets: tf.Tensor } {
  const w = tf.tensor2d(window, [b, l + 1], 'int32');
  return { ids: tf.slice(w, [0, 0], [b, l]), targets: tf.slice(w, [0, 1], [b, l]) };
}

/** One optimiser step on `window`; returns the loss before the step and the gradient norm. */
export function trainStep(
  model: LanguageModel,
  opt: AdamW,
  window: Int32Array,
  cfg: Pick<RunConfig, 'batch' | 'context'>,
  lr: number,
): { loss: number; gradNorm: number } {
  const vars = model.store.vars;
  const { value, grads } = tf.tidy(() => {
    const { ids, targets } = split(window, cfg.batch, cfg.context);
    return tf.variableGrads(() => model.loss(ids, targets), [...vars.values()]);
  });
  try {
    const loss = value.dataSync()[0];
    const { gradNorm } = Number.isFinite(loss)
      ? opt.apply(gradsByPath(vars, grads), lr)
      : { gradNorm: NaN };
    return { loss, gradNorm };
  } finally {
    value.dispose();
    tf.dispose(grads);
  }
}

/** Mean loss over the validation windows (nats/token). */
export function evalLoss(model: LanguageModel, val: readonly Int32Array[], cfg: RunConfig): number {
  let sum = 0;
  for (const window of val) {
    sum += tf.tidy(() => {
      const { ids, targets } = split(window, cfg.batch, cfg.context);
      return model.loss(ids, targets).dataSync()[0];
    });
  }
  return sum / Math.max(1, val.length);
}

export function sendEval(s: Session, state: RunState): number {
  const valLoss = evalLoss(s.model, s.val, s.cfg);
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

export function checkpoint(s: Session, state: RunState): void {
  const path = saveCheckpoint(s.checkpointDir, snapshot(s.model, s.opt, s.cfg, state, s.backend));
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
    const { loss, gradNorm } = trainStep(s.model, s.opt, window, cfg, lr);
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
      sendEval(s, state);
    }
    const due =
      state.step % cfg.checkpointEvery === 0 || performance.now() - lastSave > CHECKPOINT_MS;
    if (due && state.step < cfg.steps) {
      checkpoint(s, state);
      lastSave = performance.now();
    }
    await nextTick(); // lets a SIGTERM handler run between steps
    if (s.stopRequested() && state.step < cfg.steps) {
      checkpoint(s, state);
      return done('stopped');
    }
  }
  return done('completed');
}
