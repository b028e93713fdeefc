// Data-parallel training on worker threads: each worker holds the same model (same seed, so the
// same initial parameters) on its own tfjs backend and computes the gradient of its share of the
// batch; the gradients are summed through a SharedArrayBuffer, each worker runs AdamW on its own
// shard of the parameters and every worker loads the shared result (worker.ts), so the replicas
// stay identical. With one worker the replica runs in this thread instead (no worker, same
// results).
//
// wasm runs one thread per backend under Node, so on two cores two workers nearly double the
// throughput (bench/train.mjs measures it). Under Node's permission model the process needs
// --allow-worker.
import { availableParallelism } from 'node:os';
import { Pool } from './pool';
import { Replica, type ReplicaOptions, type TrainState } from './replica';

export type { ReplicaOptions, TrainState } from './replica';

export interface DataParallelOptions extends ReplicaOptions {
  /** Worker threads; 1 runs in this thread. Default: defaultWorkers(). */
  readonly workers?: number;
}

/** 2 on a machine with two cores or more, else 1. */
export function defaultWorkers(): number {
  return availableParallelism() >= 2 ? 2 : 1;
}

/** Row counts of `batch` windows over `workers` (the first ones take the remainder). */
export function shares(batch: number, workers: number): number[] {
  const base = Math.floor(batch / workers);
  return Array.from({ length: workers }, (_, r) => base + (r < batch % workers ? 1 : 0));
}

export class DataParallel {
  private constructor(
    private readonly local: Replica | undefined,
    private readonly pool: Pool | undefined,
    /** The backend each replica runs on (protocol names: 'wasm', 'cpu', ...). */
    readonly backend: string,
  ) {}

  static async create(opts: DataParallelOptions): Promise<DataParallel> {
    const workers = opts.workers ?? defaultWorkers();
    if (!Number.isInteger(workers) || workers < 1) {
      throw new Error(`data-parallel: workers must be an integer >= 1, got ${String(workers)}`);
    }
    if (workers === 1) {
      const r = await Replica.create(opts);
      return new DataParallel(r, undefined, r.backend);
    }
    const pool = await Pool.start(workers, opts);
    return new DataParallel(undefined, pool, pool.backend);
  }

  /** Worker threads (0: the replica runs in this thread). */
  get workers(): number {
    return this.pool?.count ?? 0;
  }

  /**
   * One AdamW step on `batch` (windows [batchSize, context + 1], row-major): the mean loss over
   * the batch before the step and the gradient norm before clipping (a non-finite norm: no
   * update, as AdamW.apply).
   */
  async step(
    batch: Int32Array,
    batchSize: number,
    context: number,
    lr: number,
  ): Promise<{ loss: number; gradNorm: number }> {
    if (this.local) {
      const { loss, grads } = this.local.lossAndGrads(batch, batchSize, context);
      return { loss, ...this.local.applyGrads(grads, lr) };
    }
    const pool = this.pool!;
    const parts = this.split(batch, batchSize, context);
    const out = await pool.all(
      parts.map((p) => ({ op: 'step' as const, ...p, context, weight: p.rows / batchSize, lr })),
    );
    return { loss: sum(out.map((o) => o.loss)), gradNorm: out[0].gradNorm };
  }

  /** Mean loss over `batch` windows, no update. */
  async evalLoss(batch: Int32Array, batchSize: number, context: number): Promise<number> {
    if (this.local) {
      return this.local.evalLoss(batch, batchSize, context);
    }
    const parts = this.split(batch, batchSize, context);
    const out = await this.pool!.all(parts.map((p) => ({ op: 'eval' as const, ...p, context })));
    return sum(out.map((o, r) => (o.loss * parts[r].rows) / batchSize));
  }

  /** Parameters (identical in every replica: worker 0's) and AdamW state (each worker's shard). */
  async exportState(): Promise<TrainState> {
    if (this.local) {
      return this.local.exportState();
    }
    const all = await this.pool!.all(
      Array.from({ length: this.pool!.count }, () => ({ op: 'export' as const })),
    );
    const merge = (k: 'm' | 'v'): Record<string, Float32Array> =>
      Object.assign({}, ...all.map((s) => s.optim[k])) as Record<string, Float32Array>;
    return { params: all[0].params, optim: { t: all[0].optim.t, m: merge('m'), v: merge('v') } };
  }

  /** Loads `s` into every replica. */
  async importState(s: TrainState): Promise<void> {
    if (this.local) {
      this.local.importState(s);
      return;
    }
    await this.pool!.all(
      Array.from({ length: this.pool!.count }, () => ({ op: 'import', state: s })),
    );
  }

  /** sha256 of each replica's parameters: all equal while the replicas are in step. */
  async digests(): Promise<string[]> {
    if (this.local) {
      return [this.local.digest()];
    }
    const out = await this.pool!.all(
      Array.from({ length: this.pool!.count }, () => ({ op: 'digest' as const })),
    );
    return out.map((o) => o.digest);
  }

  async dispose(): Promise<void> {
    this.local?.dispose();
    await this.pool?.dispose();
  }

  /** Each worker's rows of the batch, as copies (they are posted to the worker). */
  private split(
    batch: Int32Array,
    batchSize: number,
    context: number,
  ): { tokens: Int32Array; rows: number }[] {
    const width = context + 1;
    if (batch.length !== batchSize * width) {
      throw new Error(
        `data-parallel: a batch of ${batchSize} windows of context ${context} needs ` +
          `${batchSize * width} tokens, got ${batch.length}`,
      );
    }
    let row = 0;
    return shares(batchSize, this.pool!.count).map((rows) => {
      const tokens = batch.slice(row * width, (row + rows) * width);
      row += rows;
      return { tokens, rows };
    });
  }
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
