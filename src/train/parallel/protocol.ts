// The messages between DataParallel (main thread) and its workers (worker.ts): one request, one
// reply, matched by id. Gradients do not travel in messages: each worker writes its weighted
// flat gradient into its slot of a SharedArrayBuffer, meets the others at an Atomics barrier and
// reads the sum of all slots.
import type { Protections } from './protections';
import type { ReplicaOptions, TrainState } from './replica';

/** Int32 cells of the control buffer. */
export const CTRL = {
  /** Workers arrived at the current barrier. */
  arrived: 0,
  /** Barrier generation: bumped by the last to arrive, waited on by the others. */
  generation: 1,
  /** Set to 1 by the main thread when a worker failed: waiting workers give up. */
  abort: 2,
  size: 3,
} as const;

/** What a worker is started with (workerData). */
export interface WorkerInit {
  readonly rank: number;
  readonly workers: number;
  readonly opts: ReplicaOptions;
  /** The main thread's protections: the worker refuses to start without each of them. */
  readonly protections?: Protections;
}

export type Request =
  | {
      readonly op: 'attach';
      /** One flat gradient slot a worker. */
      readonly grads: SharedArrayBuffer;
      /** The flat parameters: each worker writes its shard after AdamW, all read every value. */
      readonly params: SharedArrayBuffer;
      /** Float64 per worker: its shard's squared gradient norm. */
      readonly norms: SharedArrayBuffer;
      readonly ctrl: SharedArrayBuffer;
    }
  | {
      readonly op: 'step';
      /** This worker's windows [rows, context + 1]; rows may be 0. */
      readonly tokens: Int32Array;
      readonly rows: number;
      readonly context: number;
      /** rows / batch size: the share of this worker's mean in the batch mean. */
      readonly weight: number;
      readonly lr: number;
    }
  | {
      readonly op: 'eval';
      readonly tokens: Int32Array;
      readonly rows: number;
      readonly context: number;
    }
  | { readonly op: 'export' }
  | { readonly op: 'import'; readonly state: TrainState }
  | { readonly op: 'digest' };

/** Each request with its id. */
export type Envelope = Request & { readonly id: number };

/** What each op answers. */
export interface Results {
  attach: null;
  step: { loss: number; gradNorm: number };
  eval: { loss: number };
  export: TrainState;
  import: null;
  digest: { digest: string };
}

/** A worker's messages: 'ready' once (its model built), then one reply a request. */
export type WorkerMessage =
  | { readonly kind: 'ready'; readonly size: number; readonly backend: string }
  | { readonly kind: 'reply'; readonly id: number; readonly result: unknown }
  | { readonly kind: 'error'; readonly id: number | null; readonly message: string };
