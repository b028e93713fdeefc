// One model replica of data-parallel training: the LanguageModel around a block and its AdamW, on
// this thread's tfjs backend. Every replica of a run is built from the same (block, config, seed),
// so all start identical; fed the same averaged gradient they stay identical, bit for bit.
// Gradients cross threads flat, in the store's declaration order (identical in every replica).
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { chooseBackend } from '../../backend';
import { loadBlock } from '../../gab/loader';
import { LanguageModel } from '../../model/lm';
import { AdamW, gradsByPath, sumOfSquares, type AdamWState, type OptimConfig } from '../optim';

/** Everything a replica is built from: the same in every worker of a run. */
export interface ReplicaOptions {
  /** The block file's text and name (loaded with loadBlock, in its own V8 context). */
  readonly source: string;
  readonly fileName: string;
  readonly d: number;
  readonly nBlocks: number;
  readonly hp?: Readonly<Record<string, unknown>>;
  readonly vocab: number;
  readonly seed: number;
  /** A backend choice for chooseBackend: 'auto', 'wasm', 'cpu', ... */
  readonly backend: string;
  readonly optim: OptimConfig;
}

/** Parameters and optimiser state on the host, keyed by parameter path. */
export interface TrainState {
  readonly params: Record<string, Float32Array>;
  readonly optim: AdamWState;
}

/** The parameters one worker updates: whole parameters, contiguous in declaration order. */
export interface Shard {
  /** [path, flat offset, size] of each parameter of the shard. */
  readonly params: readonly (readonly [string, number, number])[];
}

/** ids [B, L] and targets [B, L] of token windows [B, L + 1] (row-major). */
function windows(tokens: Int32Array, rows: number, context: number): [tf.Tensor, tf.Tensor] {
  if (tokens.length !== rows * (context + 1)) {
    throw new Error(
      `data-parallel: a batch of ${rows} windows of context ${context} needs ` +
        `${rows * (context + 1)} tokens, got ${tokens.length}: pass [batch, context + 1] windows`,
    );
  }
  const w = tf.tensor2d(tokens, [rows, context + 1], 'int32');
  return [tf.slice(w, [0, 0], [rows, context]), tf.slice(w, [0, 1], [rows, context])];
}

export class Replica {
  private constructor(
    readonly model: LanguageModel,
    private readonly opt: AdamW,
    /** The backend running here, in the protocol's names ('wasm', 'cpu', ...). */
    readonly backend: string,
  ) {}

  static async create(o: ReplicaOptions): Promise<Replica> {
    const chosen = await chooseBackend(o.backend);
    const block = loadBlock(o.fileName, o.source);
    const model = new LanguageModel(block, {
      vocab: o.vocab,
      d: o.d,
      nBlocks: o.nBlocks,
      seed: o.seed,
      ...(o.hp ? { hp: o.hp } : {}),
    }).build(8);
    return new Replica(model, new AdamW(model.store.vars, o.optim), chosen.name);
  }

  /** Scalar parameters in all: the length of a flat gradient. */
  get size(): number {
    return this.model.store.count();
  }

  /** Mean loss over `rows` windows and the gradients by path (the caller disposes them). */
  lossAndGrads(
    tokens: Int32Array,
    rows: number,
    context: number,
  ): { loss: number; grads: Map<string, tf.Tensor> } {
    const vars = this.model.store.vars;
    const { value, grads } = tf.tidy(() => {
      const [ids, targets] = windows(tokens, rows, context);
      return tf.variableGrads(() => this.model.loss(ids, targets), [...vars.values()]);
    });
    const loss = value.dataSync()[0];
    value.dispose();
    return { loss, grads: gradsByPath(vars, grads) };
  }

  /** Writes weight * gradient into `out` (length `size`), in declaration order; frees grads. */
  writeFlat(grads: Map<string, tf.Tensor>, weight: number, out: Float32Array): void {
    let off = 0;
    for (const [path, v] of this.model.store.vars) {
      const g = grads.get(path);
      if (g) {
        const data = g.dataSync() as Float32Array;
        for (let i = 0; i < data.length; i++) {
          out[off + i] = data[i] * weight;
        }
      } else {
        out.fill(0, off, off + v.size);
      }
      off += v.size;
    }
    tf.dispose([...grads.values()]);
  }

  /** One AdamW step with gradients by path (frees them); returns the norm before clipping. */
  applyGrads(grads: Map<string, tf.Tensor>, lr: number): { gradNorm: number } {
    try {
      return this.opt.apply(grads, lr);
    } finally {
      tf.dispose([...grads.values()]);
    }
  }

  /**
   * Worker `rank` of `workers`' shard: the parameters whose flat offset falls in its equal share
   * of the flat vector, so every worker owns a contiguous run of whole parameters.
   */
  shardOf(rank: number, workers: number): Shard {
    const params: [string, number, number][] = [];
    const [lo, hi] = [(rank * this.size) / workers, ((rank + 1) * this.size) / workers];
    let off = 0;
    for (const [path, v] of this.model.store.vars) {
      if (off >= lo && off < hi) {
        params.push([path, off, v.size]);
      }
      off += v.size;
    }
    return { params };
  }

  /** The shard's gradients summed over `slots` in rank order, and their sum of squares. */
  sumShard(
    slots: readonly Float32Array[],
    shard: Shard,
  ): { grads: Map<string, Float32Array>; sq: number } {
    const grads = new Map<string, Float32Array>();
    for (const [path, off, size] of shard.params) {
      const g = Float32Array.from(slots[0].subarray(off, off + size));
      for (let s = 1; s < slots.length; s++) {
        const slot = slots[s];
        for (let i = 0; i < size; i++) {
          g[i] += slot[off + i];
        }
      }
      grads.set(path, g);
    }
    return { grads, sq: sumOfSquares([...grads.values()]) };
  }

  /** AdamW on the shard's parameters, read from and written to the shared flat `params`. */
  updateShard(
    grads: ReadonlyMap<string, Float32Array>,
    params: Float32Array,
    shard: Shard,
    lr: number,
    gradNorm: number,
  ): void {
    const mine = new Map<string, Float32Array>();
    for (const [path, off, size] of shard.params) {
      mine.set(path, params.subarray(off, off + size));
    }
    this.opt.applyShard(grads, mine, lr, gradNorm);
  }

  /** Copies the shard's parameter values into the flat `params`. */
  writeShard(params: Float32Array, shard: Shard): void {
    for (const [path, off] of shard.params) {
      params.set(this.model.store.vars.get(path)!.dataSync(), off);
    }
  }

  /** Sets every parameter from the flat `params` (declaration order). */
  loadFlat(params: Float32Array): void {
    let off = 0;
    for (const v of this.model.store.vars.values()) {
      const values = params.subarray(off, off + v.size);
      tf.tidy(() => {
        v.assign(tf.tensor(values, v.shape, 'float32'));
      });
      off += v.size;
    }
  }

  /** Mean loss over `rows` windows, no gradient. */
  evalLoss(tokens: Int32Array, rows: number, context: number): number {
    return tf.tidy(() => {
      const [ids, targets] = windows(tokens, rows, context);
      return this.model.loss(ids, targets).dataSync()[0];
    });
  }

  /** Parameters and AdamW state; with `shard`, only that shard's moments (they are its own). */
  exportState(shard?: Shard): TrainState {
    const params: Record<string, Float32Array> = {};
    for (const [path, v] of this.model.store.vars) {
      params[path] = Float32Array.from(v.dataSync() as Float32Array);
    }
    const optim = this.opt.exportState();
    if (!shard) {
      return { params, optim };
    }
    const own = new Set(shard.params.map(([path]) => path));
    const pick = (r: Record<string, Float32Array>): Record<string, Float32Array> =>
      Object.fromEntries(Object.entries(r).filter(([path]) => own.has(path)));
    return { params, optim: { t: optim.t, m: pick(optim.m), v: pick(optim.v) } };
  }

  /** Replaces parameters and optimiser state (from exportState); checks every size first. */
  importState(s: TrainState): void {
    const vars = this.model.store.vars;
    for (const [path, v] of vars) {
      const p = s.params[path] as Float32Array | undefined;
      if (!p || p.length !== v.size) {
        throw new Error(
          `data-parallel importState: parameter ${path} ` +
            (p ? `holds ${p.length} values, the model ${v.size}` : 'is missing') +
            ': the state belongs to another model or config',
        );
      }
    }
    this.opt.importState(s.optim);
    for (const [path, v] of vars) {
      tf.tidy(() => {
        v.assign(tf.tensor(s.params[path], v.shape, 'float32'));
      });
    }
  }

  /** sha256 of every parameter's bytes: equal digests mean identical replicas. */
  digest(): string {
    const h = createHash('sha256');
    for (const v of this.model.store.vars.values()) {
      const data = v.dataSync() as Float32Array;
      h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    return h.digest('hex');
  }

  dispose(): void {
    this.opt.dispose();
    this.model.dispose();
  }
}
