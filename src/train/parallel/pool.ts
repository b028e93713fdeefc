// The worker threads of a data-parallel run, seen from the main thread: start them, match replies
// to requests, and fail every pending request (and release workers waiting at the barrier) when
// one worker dies, so nothing hangs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../../paths';
import {
  CTRL,
  type Envelope,
  type Request,
  type Results,
  type WorkerInit,
  type WorkerMessage,
} from './protocol';
import { protections } from './protections';
import type { ReplicaOptions } from './replica';

interface Pending {
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
}

/** The bundled worker entry (scripts/build.mjs: src/train/parallel/worker.ts). */
export function workerScript(): string {
  const file = join(packageRoot(), 'dist', 'train-worker.js');
  if (!existsSync(file)) {
    throw new Error(
      `data-parallel: the worker bundle ${file} is missing. Run \`npm run build\` and try again.`,
    );
  }
  return file;
}

export class Pool {
  private nextId = 1;
  private failure: Error | undefined;
  private readonly pending: Map<number, Pending>[];
  private readonly ctrl = new SharedArrayBuffer(CTRL.size * 4);

  private constructor(
    private readonly workers: Worker[],
    /** Scalar parameters of the model (the length of a flat gradient). */
    readonly size: number,
    readonly backend: string,
  ) {
    this.pending = workers.map(() => new Map<number, Pending>());
    workers.forEach((w, rank) => {
      w.on('message', (m: WorkerMessage) => {
        this.onMessage(rank, m);
      });
      w.on('error', (err) => {
        this.fail(new Error(`data-parallel worker ${rank} crashed: ${err.message}`));
      });
      w.on('exit', (code) => {
        this.fail(new Error(`data-parallel worker ${rank} exited (code ${code})`));
      });
    });
  }

  /** Starts `count` workers, each building its replica; resolves when all are ready. */
  static async start(count: number, opts: ReplicaOptions): Promise<Pool> {
    const script = workerScript();
    const guard = protections();
    const workers = Array.from(
      { length: count },
      (_, rank) =>
        new Worker(script, {
          workerData: { rank, workers: count, opts, protections: guard } satisfies WorkerInit,
          // no execArgv: the default inherits the trainer's flags, permission model included
          // (passing process.execArgv is refused: it holds V8 flags a worker may not set)
        }),
    );
    try {
      const ready = await Promise.all(workers.map((w, rank) => readyOf(w, rank)));
      const sizes = new Set(ready.map((r) => r.size));
      if (sizes.size !== 1) {
        throw new Error(
          `data-parallel: workers built different models (${[...sizes].join(', ')} params)`,
        );
      }
      const pool = new Pool(workers, ready[0].size, ready[0].backend);
      const grads = new SharedArrayBuffer(count * pool.size * 4);
      const params = new SharedArrayBuffer(pool.size * 4);
      const norms = new SharedArrayBuffer(count * 8);
      await pool.all(workers.map(() => ({ op: 'attach', grads, params, norms, ctrl: pool.ctrl })));
      return pool;
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
  }

  get count(): number {
    return this.workers.length;
  }

  /** Sends `r` to worker `rank`; resolves with its reply. */
  call<R extends Request>(rank: number, r: R): Promise<Results[R['op']]> {
    if (this.failure) {
      return Promise.reject(this.failure);
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending[rank].set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.workers[rank].postMessage({ ...r, id } satisfies Envelope);
    });
  }

  /** One request a worker, in rank order; resolves with every reply. */
  all<R extends Request>(rs: readonly R[]): Promise<Results[R['op']][]> {
    return Promise.all(rs.map((r, rank) => this.call(rank, r)));
  }

  async dispose(): Promise<void> {
    this.fail(new Error('data-parallel: disposed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private onMessage(rank: number, m: WorkerMessage): void {
    if (m.kind === 'ready') {
      return;
    }
    const p = m.id === null ? undefined : this.pending[rank].get(m.id);
    if (m.kind === 'error' && !p) {
      this.fail(new Error(`data-parallel worker ${rank}: ${m.message}`));
      return;
    }
    if (!p) {
      return;
    }
    this.pending[rank].delete(m.id!);
    if (m.kind === 'reply') {
      p.resolve(m.result);
    } else {
      // a failed step leaves the others at the barrier: release them
      this.fail(new Error(`data-parallel worker ${rank}: ${m.message}`));
      p.reject(new Error(`data-parallel worker ${rank}: ${m.message}`));
    }
  }

  /** Aborts the run: workers at the barrier give up, pending requests reject. */
  private fail(err: Error): void {
    if (this.failure) {
      return;
    }
    this.failure = err;
    const ctrl = new Int32Array(this.ctrl);
    Atomics.store(ctrl, CTRL.abort, 1);
    Atomics.notify(ctrl, CTRL.generation);
    for (const map of this.pending) {
      for (const p of map.values()) {
        p.reject(err);
      }
      map.clear();
    }
  }
}

/** The worker's 'ready' message, or its start-up error. */
function readyOf(w: Worker, rank: number): Promise<{ size: number; backend: string }> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerMessage): void => {
      if (m.kind === 'ready') {
        resolve({ size: m.size, backend: m.backend });
      } else if (m.kind === 'error') {
        reject(new Error(`data-parallel worker ${rank} failed to start: ${m.message}`));
      }
      w.off('message', onMessage);
    };
    w.on('message', onMessage);
    w.once('error', (err) => {
      reject(new Error(`data-parallel worker ${rank} failed to start: ${err.message}`));
    });
  });
}
