// The seam between the training loop and the arithmetic of a step. Two engines: the model and
// AdamW in this thread, and DataParallel (worker threads that each take a share of the batch and
// apply the same summed gradient). The loop sees only this interface: a step, an evaluation, the
// state to checkpoint and restore.
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel } from '../model/lm';
import { AdamW, gradsByPath, type OptimConfig } from './optim';
import { DataParallel, type ReplicaOptions, type TrainState } from './parallel';

export type { TrainState } from './parallel';

export interface StepResult {
  /** Mean loss over the batch before the step (nats/token). */
  readonly loss: number;
  /** Global gradient norm before clipping; NaN when the loss was not finite (no update). */
  readonly gradNorm: number;
}

export interface Engine {
  /** Threads computing a step: 1 for this thread, else the worker threads. */
  readonly workers: number;
  /** One AdamW step on `window` (row-major [batch, context + 1] token windows). */
  step(window: Int32Array, lr: number): Promise<StepResult>;
  /** Mean loss over `windows` (each [batch, context + 1]), no update. */
  evalLoss(windows: readonly Int32Array[]): Promise<number>;
  /** Parameters by path and AdamW's state, on the host. */
  exportState(): Promise<TrainState>;
  /** Replaces parameters and optimiser state (checked against the model's sizes). */
  importState(s: TrainState): Promise<void>;
  /** Frees what the engine made (AdamW's moments, or the workers: no thread outlives it). */
  dispose(): Promise<void>;
}

/** The step's shape: windows of `batch` rows of `context + 1` tokens. */
export interface StepShape {
  readonly batch: number;
  readonly context: number;
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
  shape: StepShape,
  lr: number,
): StepResult {
  const vars = model.store.vars;
  const { value, grads } = tf.tidy(() => {
    const { ids, targets } = split(window, shape.batch, shape.context);
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

/** The model and AdamW in this thread (the trainer's engine before data parallelism). */
export class InProcessEngine implements Engine {
  readonly workers = 1;
  private readonly opt: AdamW;

  constructor(
    private readonly model: LanguageModel,
    optim: OptimConfig,
    private readonly shape: StepShape,
  ) {
    this.opt = new AdamW(model.store.vars, optim);
  }

  step(window: Int32Array, lr: number): Promise<StepResult> {
    return Promise.resolve(trainStep(this.model, this.opt, window, this.shape, lr));
  }

  evalLoss(windows: readonly Int32Array[]): Promise<number> {
    let sum = 0;
    for (const window of windows) {
      sum += tf.tidy(() => {
        const { ids, targets } = split(window, this.shape.batch, this.shape.context);
        return this.model.loss(ids, targets).dataSync()[0];
      });
    }
    return Promise.resolve(sum / Math.max(1, windows.length));
  }

  exportState(): Promise<TrainState> {
    const params: Record<string, Float32Array> = {};
    for (const [path, v] of this.model.store.vars) {
      params[path] = Float32Array.from(v.dataSync());
    }
    return Promise.resolve({ params, optim: this.opt.exportState() });
  }

  importState(s: TrainState): Promise<void> {
    const vars = this.model.store.vars;
    for (const [path, v] of vars) {
      const p = s.params[path] as Float32Array | undefined;
      if (!p || p.length !== v.size) {
        throw new Error(`importState: parameter ${path} is missing or has another size`);
      }
    }
    this.opt.importState(s.optim);
    for (const [path, v] of vars) {
      tf.tidy(() => {
        v.assign(tf.tensor(s.params[path], v.shape, 'float32'));
      });
    }
    return Promise.resolve();
  }

  dispose(): Promise<void> {
    this.opt.dispose();
    return Promise.resolve();
  }
}

/** DataParallel behind the engine interface: the batch is split over its worker threads. */
export class ParallelEngine implements Engine {
  private constructor(
    private readonly dp: DataParallel,
    private readonly shape: StepShape,
  ) {}

  /** Starts `workers` threads (>= 2), each building the replica `opts` describes. */
  static async start(opts: ReplicaOptions, workers: number, shape: StepShape): Promise<Engine> {
    return new ParallelEngine(await DataParallel.create({ ...opts, workers }), shape);
  }

  get workers(): number {
    return this.dp.workers;
  }

  step(window: Int32Array, lr: number): Promise<StepResult> {
    return this.dp.step(window, this.shape.batch, this.shape.context, lr);
  }

  async evalLoss(windows: readonly Int32Array[]): Promise<number> {
    let sum = 0;
    for (const window of windows) {
      sum += await this.dp.evalLoss(window, this.shape.batch, this.shape.context);
    }
    return sum / Math.max(1, windows.length);
  }

  exportState(): Promise<TrainState> {
    return this.dp.exportState();
  }

  importState(s: TrainState): Promise<void> {
    return this.dp.importState(s);
  }

  dispose(): Promise<void> {
    return this.dp.dispose();
  }
}

export interface EngineSpec {
  /** The trainer's model, built and checked (the in-process engine trains it). */
  readonly model: LanguageModel;
  /** How workers rebuild it: block text, file name, sizes, seed, backend, optimiser. */
  readonly replica: ReplicaOptions;
  readonly workers: number;
  readonly shape: StepShape;
}

/** The host copy of `model`'s parameters with a fresh AdamW state. */
function initialState(model: LanguageModel): TrainState {
  const params: Record<string, Float32Array> = {};
  for (const [path, v] of model.store.vars) {
    params[path] = Float32Array.from(v.dataSync());
  }
  return { params, optim: { t: 0, m: {}, v: {} } };
}

/**
 * The engine for `spec`: in this thread for one worker, else worker threads that start from the
 * trainer model's own parameters (so a run's curve does not depend on how a replica builds).
 */
export async function startEngine(spec: EngineSpec): Promise<Engine> {
  if (spec.workers <= 1) {
    return new InProcessEngine(spec.model, spec.replica.optim, spec.shape);
  }
  const engine = await ParallelEngine.start(spec.replica, spec.workers, spec.shape);
  try {
    await engine.importState(initialState(spec.model));
    return engine;
  } catch (err) {
    await engine.dispose();
    throw err;
  }
}
