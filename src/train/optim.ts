// AdamW with decoupled weight decay, global-norm gradient clipping and the learning-rate schedule
// (linear warm-up, then cosine down to minLrRatio * lr), as Genesys trains its ladder. The update
// follows PyTorch's torch.optim.AdamW step for step, so runs compare with a PyTorch reference.
import * as tf from '@tensorflow/tfjs-core';
import type { Rung } from '../ladder/rungs';

export interface OptimConfig {
  /** Peak learning rate (reached at the end of warm-up). */
  readonly lr: number;
  /** The cosine ends at minLrRatio * lr (Genesys: 0.1). */
  readonly minLrRatio: number;
  /** Fraction of the steps spent warming up linearly (Genesys: 0.02). */
  readonly warmupFrac: number;
  /** Decoupled weight decay; never applied to 1-D parameters (norm weights, biases). */
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Clip gradients to this global L2 norm; 0 or Infinity: no clipping. */
  readonly clipNorm: number;
}

/** The optimiser a rung trains with: the peak learning rate shrinks as the width grows. */
export function defaultOptim(rung: Pick<Rung, 'd'>): OptimConfig {
  // about 0.3 / d: 3e-3 on the laptop rungs (capped), 2.3e-3 at d 128, 3e-4 at d 1024
  const lr = Math.min(3e-3, 0.3 / rung.d);
  return {
    lr,
    minLrRatio: 0.1,
    warmupFrac: 0.02,
    weightDecay: 0.1,
    beta1: 0.9,
    beta2: 0.95,
    eps: 1e-8,
    clipNorm: 1.0,
  };
}

/** Warm-up length in steps: warmupFrac of the run, at least one step. */
export function warmupSteps(totalSteps: number, cfg: Pick<OptimConfig, 'warmupFrac'>): number {
  return Math.max(1, Math.round(cfg.warmupFrac * totalSteps));
}

/**
 * The learning rate of step `step` (0-based) of a `totalSteps` run: linear warm-up to cfg.lr over
 * warmupSteps, then a half cosine reaching minLrRatio * lr at the last step and staying there.
 */
export function lrAt(
  step: number,
  totalSteps: number,
  cfg: Pick<OptimConfig, 'lr' | 'minLrRatio' | 'warmupFrac'>,
): number {
  const warm = warmupSteps(totalSteps, cfg);
  if (step < warm) {
    return (cfg.lr * (step + 1)) / warm;
  }
  const floor = cfg.lr * cfg.minLrRatio;
  const span = Math.max(1, totalSteps - 1 - warm);
  const p = Math.min(1, (step - warm) / span);
  return floor + 0.5 * (cfg.lr - floor) * (1 + Math.cos(Math.PI * p));
}

/** One step's learning rate, clipping scale and bias corrections. */
interface StepConstants {
  readonly lr: number;
  readonly scale: number;
  readonly bc1: number;
  readonly bc2: number;
}

/** AdamW's serialisable state: the step count and both moments per parameter path. */
export interface AdamWState {
  readonly t: number;
  readonly m: Record<string, Float32Array>;
  readonly v: Record<string, Float32Array>;
}

export class OptimError extends Error {
  override readonly name = 'OptimError';
}

/**
 * `tf.variableGrads(...).grads` is keyed by tf variable name; the store (and AdamW) by parameter
 * path. Returns path -> gradient for every variable that has one.
 */
export function gradsByPath(
  vars: ReadonlyMap<string, tf.Variable>,
  named: tf.NamedTensorMap,
): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [path, v] of vars) {
    // the index type claims a tensor for every name; a variable off the tape has none
    const g = named[v.name] as tf.Tensor | undefined;
    if (g) {
      out.set(path, g);
    }
  }
  return out;
}

/**
 * AdamW over the variables of `vars` (path -> variable; read at each step, so parameters declared
 * later are picked up). The update runs in plain JS on the host, one pass per parameter: reading
 * a gradient and a parameter back and writing the parameter once costs less on wasm than the ~10
 * kernels a parameter the tensor form launches. Moments live as Float32Arrays, one pair per path,
 * created at a path's first gradient. A parameter with no gradient in a step is left untouched
 * (PyTorch skips it too).
 */
export class AdamW {
  private t = 0;
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();

  constructor(
    private readonly vars: ReadonlyMap<string, tf.Variable>,
    readonly cfg: OptimConfig,
  ) {}

  /** Steps taken so far. */
  get step(): number {
    return this.t;
  }

  /**
   * One step with gradients keyed by path (a variable's name also works). Clips by the global
   * norm first; returns the norm before clipping. A non-finite norm updates nothing (the caller
   * reports divergence) and is returned as it is.
   */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number): { gradNorm: number } {
    const host = new Map<string, Float32Array>();
    for (const [path, g] of grads) {
      host.set(path, g.dataSync() as Float32Array);
    }
    return this.applyHost(host, lr);
  }

  /** apply() with gradients already on the host (e.g. averaged over data-parallel workers). */
  applyHost(grads: ReadonlyMap<string, Float32Array>, lr: number): { gradNorm: number } {
    const pairs = this.pair(grads);
    const gradNorm = globalNorm(pairs.map(([, , g]) => g));
    const k = this.begin(lr, gradNorm);
    if (k) {
      for (const [path, variable, g] of pairs) {
        this.update(path, variable, g, k);
      }
    }
    return { gradNorm };
  }

  /**
   * A step's constants from the gradient norm, counting the step; undefined (no step) when the
   * norm is not finite. PyTorch's clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is
   * below 1.
   */
  private begin(lr: number, gradNorm: number): StepConstants | undefined {
    if (!Number.isFinite(gradNorm)) {
      return undefined;
    }
    const clip = this.cfg.clipNorm;
    const scale = clip > 0 && gradNorm > clip ? clip / (gradNorm + 1e-6) : 1;
    this.t += 1;
    return { lr, scale, bc1: 1 - this.cfg.beta1 ** this.t, bc2: 1 - this.cfg.beta2 ** this.t };
  }

  private pair(grads: ReadonlyMap<string, Float32Array>): [string, tf.Variable, Float32Array][] {
    const out: [string, tf.Variable, Float32Array][] = [];
    for (const [path, variable] of this.vars) {
      const g = grads.get(path) ?? grads.get(variable.name);
      if (!g) {
        continue;
      }
      if (g.length !== variable.size) {
        throw new OptimError(
          `AdamW: the gradient of ${path} holds ${g.length} values, the parameter ` +
            `[${variable.shape.join(', ')}] ${variable.size}: pass the gradients of these very variables`,
        );
      }
      out.push([path, variable, g]);
    }
    return out;
  }

  /**
   * applyHost for one data-parallel shard: `params` (path -> host values, updated in place) are
   * the parameters this worker updates, `grads` their summed gradients; the caller sums the squared
   * norm over every shard in a fixed order, so each worker clips with the same bits. The step count
   * advances as in applyHost (a non-finite norm: nothing moves, as there).
   */
  applyShard(
    grads: ReadonlyMap<string, Float32Array>,
    params: ReadonlyMap<string, Float32Array>,
    lr: number,
    gradNorm: number,
  ): void {
    const k = this.begin(lr, gradNorm);
    if (!k) {
      return;
    }
    for (const [path, p] of params) {
      const variable = this.vars.get(path);
      const g = grads.get(path);
      if (variable && g) {
        this.updateHost(path, variable.rank, p, g, k);
      }
    }
  }

  /** PyTorch's AdamW step for one parameter, in float64 arithmetic, stored as float32. */
  private update(path: string, variable: tf.Variable, g: Float32Array, k: StepConstants): void {
    const p = Float32Array.from(variable.dataSync() as Float32Array);
    this.updateHost(path, variable.rank, p, g, k);
    tf.tidy(() => {
      variable.assign(tf.tensor(p, variable.shape, 'float32'));
    });
  }

  /** The update of one parameter's host values `p` in place; decay only on rank > 1. */
  private updateHost(
    path: string,
    rank: number,
    p: Float32Array,
    g: Float32Array,
    k: StepConstants,
  ): void {
    const { beta1, beta2, eps, weightDecay } = this.cfg;
    const keep = 1 - (rank > 1 ? k.lr * weightDecay : 0);
    const m = this.moment(this.m, path, g.length);
    const v = this.moment(this.v, path, g.length);
    const sbc2 = Math.sqrt(k.bc2);
    const step = k.lr / k.bc1;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * k.scale;
      const mi = beta1 * m[i] + (1 - beta1) * gi;
      const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i] * keep - (step * mi) / (Math.sqrt(vi) / sbc2 + eps);
    }
  }

  private moment(src: Map<string, Float32Array>, path: string, n: number): Float32Array {
    let x = src.get(path);
    if (!x) {
      x = new Float32Array(n);
      src.set(path, x);
    }
    return x;
  }

  /** A copy of the state on the host (for checkpoints). */
  exportState(): AdamWState {
    const read = (src: Map<string, Float32Array>): Record<string, Float32Array> => {
      const out: Record<string, Float32Array> = {};
      for (const [path, x] of src) {
        out[path] = Float32Array.from(x);
      }
      return out;
    };
    return { t: this.t, m: read(this.m), v: read(this.v) };
  }

  /** Replaces the state with `s` (from exportState), checked against the variables' sizes. */
  importState(s: AdamWState): void {
    if (!Number.isInteger(s.t) || s.t < 0) {
      throw new OptimError(`AdamW.importState: step count ${String(s.t)} is not an integer >= 0`);
    }
    const m = this.arrays(s.m, 'm');
    const v = this.arrays(s.v, 'v');
    this.dispose();
    this.t = s.t;
    m.forEach((x, path) => this.m.set(path, x));
    v.forEach((x, path) => this.v.set(path, x));
  }

  private arrays(rec: Record<string, Float32Array>, which: string): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [path, values] of Object.entries(rec)) {
      const variable = this.vars.get(path);
      if (!variable || variable.size !== values.length) {
        throw new OptimError(
          `AdamW.importState: moment ${which} of '${path}' ` +
            (variable
              ? `holds ${values.length} values, the parameter ${variable.size}`
              : 'names no parameter of this model') +
            ': the checkpoint belongs to another model or config',
        );
      }
      out.set(path, Float32Array.from(values));
    }
    return out;
  }

  /** Frees the moments (the step count stays). */
  dispose(): void {
    this.m.clear();
    this.v.clear();
  }
}

/** The sum of squares over `grads`, accumulated in float64 in order. */
export function sumOfSquares(grads: readonly Float32Array[]): number {
  let sq = 0;
  for (const g of grads) {
    for (let i = 0; i < g.length; i++) {
      sq += g[i] * g[i];
    }
  }
  return sq;
}

/** sqrt(sum of squares) over all gradients, accumulated in float64. */
function globalNorm(grads: readonly Float32Array[]): number {
  return Math.sqrt(sumOfSquares(grads));
}
