// Trains a fresh small LanguageModel on one probe task with masked cross-entropy and AdamW, then
// scores it: accuracy of the argmax prediction on the labelled positions of a held-out set.
import * as tf from '@tensorflow/tfjs-core';
import type { Block } from '../gab/contract';
import { LanguageModel } from '../model/lm';
import { AdamW, gradsByPath, lrAt, type OptimConfig } from '../train/optim';
import { makeBatch, probeRandom } from './random';
import type { ProbeBatch, ProbeTask } from './types';

export interface ProbeRunOptions {
  readonly d: number;
  readonly nBlocks: number;
  /** Seed of the model's initialisation and of the data. */
  readonly seed: number;
  readonly steps: number;
  readonly batch: number;
  /** Peak learning rate (warm-up, then cosine). */
  readonly lr: number;
  /** Held-out examples scored at the end. */
  readonly evalExamples: number;
  readonly hp?: Readonly<Record<string, unknown>>;
  /** Aborting stops the run at the next yield (every YIELD_EVERY steps); it is then unscored. */
  readonly signal?: AbortSignal;
}

export interface ProbeRun {
  readonly lr: number;
  readonly accuracy: number;
  /** Mean masked loss of the last tenth of the steps (NaN when it diverged). */
  readonly finalLoss: number;
  readonly steps: number;
  readonly diverged: boolean;
  /** Stopped by the signal before the end: accuracy is NaN. */
  readonly stopped: boolean;
  readonly ms: number;
}

/** Steps between yields to the event loop, so a SIGTERM handler runs within a second or so. */
const YIELD_EVERY = 10;

/** The probes' optimiser: the trainer's AdamW, a longer warm-up for runs this short. */
export function probeOptim(lr: number): OptimConfig {
  return {
    lr,
    minLrRatio: 0.1,
    warmupFrac: 0.1,
    weightDecay: 0.1,
    beta1: 0.9,
    beta2: 0.95,
    eps: 1e-8,
    clipNorm: 1.0,
  };
}

/** Mean cross-entropy over the labelled positions: logits [B, L, V], targets and mask [B, L]. */
export function maskedLoss(logits: tf.Tensor, targets: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const vocab = logits.shape[2]!;
    const logp = tf.logSoftmax(logits); // [B, L, V]
    const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.cast(targets, 'int32'), vocab)), -1); // [B, L]
    return tf.div(tf.neg(tf.sum(tf.mul(picked, mask))), tf.maximum(tf.sum(mask), 1));
  });
}

/** [ids, targets, mask] as tensors of shape [B, L]. */
function tensors(b: ProbeBatch): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
  const shape: [number, number] = [b.batch, b.length];
  return [
    tf.tensor2d(b.ids, shape, 'int32'),
    tf.tensor2d(b.targets, shape, 'int32'),
    tf.tensor2d(b.mask, shape, 'float32'),
  ];
}

/** One optimiser step; returns the loss before it. */
function trainStep(
  model: LanguageModel,
  opt: AdamW,
  b: ProbeBatch,
  lr: number,
): { loss: number; ok: boolean } {
  return tf.tidy(() => {
    const [ids, targets, mask] = tensors(b);
    const { value, grads } = tf.variableGrads(
      () => maskedLoss(model.logits(ids), targets, mask),
      model.variables(),
    );
    const loss = value.dataSync()[0];
    if (!Number.isFinite(loss)) {
      return { loss, ok: false };
    }
    const { gradNorm } = opt.apply(gradsByPath(model.store.vars, grads), lr);
    return { loss, ok: Number.isFinite(gradNorm) };
  });
}

/** Correct and labelled counts of argmax predictions on `b`. */
function score(model: LanguageModel, b: ProbeBatch): [number, number] {
  return tf.tidy(() => {
    const [ids, targets, mask] = tensors(b);
    const pred = tf.argMax(model.logits(ids), -1); // [B, L]
    const hit = tf.mul(tf.cast(tf.equal(pred, targets), 'float32'), mask);
    return [tf.sum(hit).dataSync()[0], tf.sum(mask).dataSync()[0]];
  });
}

/** Accuracy on labelled positions of `examples` held-out examples (fixed by the seed). */
export function evaluate(
  model: LanguageModel,
  task: ProbeTask,
  seed: number,
  examples: number,
): number {
  const rand = probeRandom(seed, task, 'eval');
  let correct = 0;
  let total = 0;
  for (let done = 0; done < examples; done += 32) {
    const [c, n] = score(model, makeBatch(task, Math.min(32, examples - done), rand));
    correct += c;
    total += n;
  }
  return total > 0 ? correct / total : 0;
}

/** Trains a fresh model on `task` and scores it. The model is disposed before returning. */
export async function trainProbe(
  block: Block,
  task: ProbeTask,
  o: ProbeRunOptions,
): Promise<ProbeRun> {
  const started = Date.now();
  const model = new LanguageModel(block, {
    vocab: task.vocab,
    d: o.d,
    nBlocks: o.nBlocks,
    seed: o.seed,
    hp: o.hp,
  }).build(task.length);
  const cfg = probeOptim(o.lr);
  const opt = new AdamW(model.store.vars, cfg);
  const rand = probeRandom(o.seed, task, 'train');
  const tail: number[] = [];
  const tailFrom = o.steps - Math.max(1, Math.floor(o.steps / 10));
  let diverged = false;
  let step = 0;
  try {
    for (; step < o.steps && !diverged && o.signal?.aborted !== true; step++) {
      const b = makeBatch(task, o.batch, rand);
      const { loss, ok } = trainStep(model, opt, b, lrAt(step, o.steps, cfg));
      diverged = !ok;
      if (step >= tailFrom) {
        tail.push(loss);
      }
      if (step % YIELD_EVERY === YIELD_EVERY - 1) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const stopped = !diverged && step < o.steps;
    const accuracy = diverged ? 0 : stopped ? NaN : evaluate(model, task, o.seed, o.evalExamples);
    const finalLoss = diverged || stopped ? NaN : tail.reduce((a, b) => a + b, 0) / tail.length;
    return {
      lr: o.lr,
      accuracy,
      finalLoss,
      steps: step,
      diverged,
      stopped,
      ms: Date.now() - started,
    };
  } finally {
    opt.dispose();
    model.dispose();
  }
}
