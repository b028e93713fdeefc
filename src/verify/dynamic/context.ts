// What the dynamic checks share inside the sandboxed child: the job, the loaded block, the probe
// model and input, the tuned depth and the speed measurement. Plus helpers to build results.
import * as tf from '@tensorflow/tfjs-core';
import type { Block } from '../../gab/contract';
import type { Rung } from '../../ladder/rungs';
import { LanguageModel } from '../../model/lm';
import type { BaselineFigures, Job, RunnerMessage } from '../../sandbox/protocol';
import type { CheckResult, Severity } from '../types';

/** The bytes tokenizer's vocabulary: the LM the checks build is the laptop rungs' LM. */
export const VOCAB = 256;
/** Batch of the probe input X [B, L, D]: two, so batch independence can be tested. */
export const PROBE_BATCH = 2;

/** One forward of the block stack on a fixed random input, shared by the cheap checks. */
export interface Probe {
  readonly model: LanguageModel;
  /** [B, L, D] */
  readonly x: tf.Tensor;
  /** [B, L, D] */
  readonly y: tf.Tensor;
}

/** Forward + backward cost of one design (see measure.ts). */
export interface PerfFigures extends BaselineFigures {
  readonly nBlocks: number;
}

export interface CheckContext {
  readonly job: Job;
  readonly rung: Rung;
  /** Sends a message to the parent (progress, the measured baseline). */
  readonly send: (msg: RunnerMessage) => void;
  /** Set by dynamic/load. */
  block?: Block;
  /** Set by dynamic/forward-shape; disposed before the expensive checks. */
  probe?: Probe;
  /** The depth the design runs at: the rung's, or the one dynamic/params tuned. */
  nBlocks: number;
  /** Set by dynamic/speed for dynamic/memory. */
  perf?: { readonly design: PerfFigures; readonly baseline?: BaselineFigures };
}

/** A check: one file in checks/, run in the order of checks/index.ts. */
export interface DynamicCheck {
  readonly id: string;
  /** Whether the check still makes sense given the ids of the checks that failed with an error. */
  readonly gate: (failed: ReadonlySet<string>) => boolean;
  run(ctx: CheckContext): CheckResult[] | Promise<CheckResult[]>;
}

/** Gate: runs only if each of `ids` passed (or only warned). */
export const requires =
  (...ids: string[]) =>
  (failed: ReadonlySet<string>): boolean =>
    ids.every((id) => !failed.has(id));

/** Gate: runs only if no earlier check failed with an error, except `ids`. */
export const noErrorsExcept =
  (...ids: string[]) =>
  (failed: ReadonlySet<string>): boolean =>
    [...failed].every((id) => ids.includes(id));

export function pass(id: string, message: string, data?: Record<string, unknown>): CheckResult {
  return data
    ? { id, ok: true, severity: 'info', message, data }
    : { id, ok: true, severity: 'info', message };
}

export function fail(
  id: string,
  message: string,
  data?: Record<string, unknown>,
  severity: Severity = 'error',
): CheckResult {
  return data ? { id, ok: false, severity, message, data } : { id, ok: false, severity, message };
}

/** The loaded block; checks run after dynamic/load passed, so it is there. */
export function loaded(ctx: CheckContext): Block {
  if (!ctx.block) {
    throw new Error('internal: a dynamic check ran before dynamic/load succeeded');
  }
  return ctx.block;
}

/**
 * A fresh model of the loaded block at the given depth (seeded; the caller disposes it). Disposes
 * the probe first: tfjs names variables by parameter path, so two models cannot live at once.
 */
export function makeModel(ctx: CheckContext, nBlocks: number, seedOffset = 0): LanguageModel {
  disposeProbe(ctx);
  return newModel(ctx, nBlocks, seedOffset);
}

function newModel(ctx: CheckContext, nBlocks: number, seedOffset: number): LanguageModel {
  return new LanguageModel(loaded(ctx), {
    vocab: VOCAB,
    d: ctx.rung.d,
    nBlocks,
    seed: ctx.job.seed + seedOffset,
  });
}

/** A seeded random tensor N(0, 1) of `shape`. */
export function randomInput(shape: readonly number[], seed: number): tf.Tensor {
  return tf.randomNormal([...shape], 0, 1, 'float32', seed);
}

/** The probe: built on first use, kept until disposeProbe. */
export function probe(ctx: CheckContext): Probe {
  if (ctx.probe) {
    return ctx.probe;
  }
  const model = newModel(ctx, ctx.rung.nBlocks, 0);
  const x = randomInput([PROBE_BATCH, ctx.rung.context, ctx.rung.d], ctx.job.seed + 101);
  try {
    const y = tf.tidy(() => model.stack(x));
    ctx.probe = { model, x, y };
    return ctx.probe;
  } catch (err) {
    x.dispose();
    model.dispose();
    throw err;
  }
}

export function disposeProbe(ctx: CheckContext): void {
  if (ctx.probe) {
    ctx.probe.x.dispose();
    ctx.probe.y.dispose();
    ctx.probe.model.dispose();
    ctx.probe = undefined;
  }
}

/** max |x| (read back: checks may read values, blocks may not). */
export function maxAbs(x: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(x)).dataSync()[0]);
}

/** The message of anything thrown. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Allocation failures (V8, typed arrays, wasm heap): reported as dynamic/memory-limit. */
export function isAllocationError(err: unknown): boolean {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return /Array buffer allocation failed|Invalid typed array length|Invalid array length|out of memory|\bOOM\b|Cannot enlarge memory|Maximum memory size|memory access out of bounds|allocation failed|Aborted\(/i.test(
    text,
  );
}
