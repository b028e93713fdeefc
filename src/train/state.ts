// A run's resumable state and its round trip through a checkpoint: the parameters and AdamW's
// moments and step count (an engine's exportState, whatever its number of workers), the step and
// token counters, the wall time so far and the curves.
// The data cursor is the step itself: TokenDataset.trainBatch is a pure function of (seed, step).
import type { LanguageModel } from '../model/lm';
import { CheckpointError, type CheckpointData, type SavedTensor } from './checkpoint';
import type { RunConfig } from './config';
import type { TrainState } from './engine';
import type { CurvePoint } from './report';

export interface RunState {
  /** Optimiser steps done (the next step to run has this index). */
  step: number;
  tokens: number;
  /** Training wall time of earlier sessions plus this one up to the last save. */
  elapsedMs: number;
  /** When the run's first session started (ISO 8601). */
  readonly startedAt: string;
  /** [step, loss] every logEvery steps, and the validation curve. */
  readonly train: CurvePoint[];
  readonly val: CurvePoint[];
}

export interface CheckpointMeta {
  readonly config: RunConfig;
  readonly state: RunState;
  readonly adamStep: number;
  readonly backend: string;
  readonly savedAt: string;
}

export function freshState(): RunState {
  return {
    step: 0,
    tokens: 0,
    elapsedMs: 0,
    startedAt: new Date().toISOString(),
    train: [],
    val: [],
  };
}

const PARAM = 'param/';
const M = 'adam.m/';
const V = 'adam.v/';

/** Parameter shapes by path: a checkpoint stores them, the engine's state holds flat arrays. */
export type Shapes = ReadonlyMap<string, readonly number[]>;

/** The shapes of a built model's parameters. */
export function shapesOf(model: LanguageModel): Shapes {
  return new Map([...model.store.vars].map(([path, v]) => [path, v.shape]));
}

/** The checkpoint of the engine's state `train` at `state`. */
export function snapshot(
  train: TrainState,
  shapes: Shapes,
  config: RunConfig,
  state: RunState,
  backend: string,
): CheckpointData<CheckpointMeta> {
  const tensors = new Map<string, SavedTensor>();
  for (const [path, shape] of shapes) {
    tensors.set(PARAM + path, { shape, data: train.params[path] });
  }
  const adam = train.optim;
  for (const [prefix, rec] of [
    [M, adam.m],
    [V, adam.v],
  ] as const) {
    for (const [path, data] of Object.entries(rec)) {
      tensors.set(prefix + path, { shape: [data.length], data });
    }
  }
  const meta: CheckpointMeta = {
    config,
    state: { ...state, train: [...state.train], val: [...state.val] },
    adamStep: adam.t,
    backend,
    savedAt: new Date().toISOString(),
  };
  return { step: state.step, meta, tensors };
}

/** The engine state and run state in `ck`, checked against the model's `shapes`. */
export function restore(
  ck: CheckpointData<CheckpointMeta>,
  shapes: Shapes,
  where: string,
): { state: RunState; train: TrainState } {
  const saved = [...ck.tensors.keys()].filter((k) => k.startsWith(PARAM));
  if (saved.length !== shapes.size) {
    throw new CheckpointError(
      `${where} holds ${saved.length} parameters, the model ${shapes.size}: it belongs to another model`,
    );
  }
  const params: Record<string, Float32Array> = {};
  for (const [path, shape] of shapes) {
    const t = ck.tensors.get(PARAM + path);
    if (!t || t.data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new CheckpointError(`${where}: parameter ${path} is missing or has another shape`);
    }
    params[path] = t.data;
  }
  const m: Record<string, Float32Array> = {};
  const v: Record<string, Float32Array> = {};
  for (const [name, t] of ck.tensors) {
    if (name.startsWith(M)) {
      m[name.slice(M.length)] = t.data;
    } else if (name.startsWith(V)) {
      v[name.slice(V.length)] = t.data;
    }
  }
  const s = ck.meta.state;
  return {
    state: { ...s, train: [...s.train], val: [...s.val] },
    train: { params, optim: { t: ck.meta.adamStep, m, v } },
  };
}
