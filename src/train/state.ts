// A run's resumable state and its round trip through a checkpoint: the parameters, AdamW's
// moments and step count, the step and token counters, the wall time so far and the curves.
// The data cursor is the step itself: TokenDataset.trainBatch is a pure function of (seed, step).
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel } from '../model/lm';
import { CheckpointError, type CheckpointData, type SavedTensor } from './checkpoint';
import type { RunConfig } from './config';
import type { AdamW } from './optim';
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

/** The checkpoint of the model and optimiser at `state` (reads every tensor back once). */
export function snapshot(
  model: LanguageModel,
  opt: AdamW,
  config: RunConfig,
  state: RunState,
  backend: string,
): CheckpointData<CheckpointMeta> {
  const tensors = new Map<string, SavedTensor>();
  for (const [path, v] of model.store.vars) {
    tensors.set(PARAM + path, { shape: v.shape, data: Float32Array.from(v.dataSync()) });
  }
  const adam = opt.exportState();
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

/** Loads `ck` into `model` (built) and `opt`; returns the saved state. Throws CheckpointError. */
export function restore(
  ck: CheckpointData<CheckpointMeta>,
  model: LanguageModel,
  opt: AdamW,
  where: string,
): RunState {
  const saved = [...ck.tensors.keys()].filter((k) => k.startsWith(PARAM));
  if (saved.length !== model.store.vars.size) {
    throw new CheckpointError(
      `${where} holds ${saved.length} parameters, the model ${model.store.vars.size}: it belongs to another model`,
    );
  }
  for (const [path, v] of model.store.vars) {
    const t = ck.tensors.get(PARAM + path);
    if (!t || t.data.length !== v.size) {
      throw new CheckpointError(`${where}: parameter ${path} is missing or has another shape`);
    }
    tf.tidy(() => {
      v.assign(tf.tensor(t.data, v.shape, 'float32'));
    });
  }
  const m: Record<string, Float32Array> = {};
  const vv: Record<string, Float32Array> = {};
  for (const [name, t] of ck.tensors) {
    if (name.startsWith(M)) {
      m[name.slice(M.length)] = t.data;
    } else if (name.startsWith(V)) {
      vv[name.slice(V.length)] = t.data;
    }
  }
  opt.importState({ t: ck.meta.adamStep, m, v: vv });
  const s = ck.meta.state;
  return { ...s, train: [...s.train], val: [...s.val] };
}
