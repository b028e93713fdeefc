// How many data-parallel workers a training job uses, decided the same way by the parent (which
// grants --allow-worker) and the trainer child (which starts them). No heavy imports: the CLI
// loads this before any tensor library.
import { availableParallelism } from 'node:os';

/** The most worker threads a job may ask for. */
export const MAX_WORKERS = 64;

/** libtensorflow spreads one step over every core itself; its addon is not made for workers. */
const NATIVE = new Set(['tensorflow', 'tensorflow-gpu']);

/**
 * The workers for a job that asks for `requested` (undefined: the default) on `backend` (a choice
 * or the backend that started): the request when given, else 1 on a native backend or a one-core
 * machine, else 2 (wasm and cpu run one thread per backend: two workers use two cores).
 */
export function workersFor(requested: number | undefined, backend: string): number {
  if (requested !== undefined) {
    return requested;
  }
  return NATIVE.has(backend) || availableParallelism() < 2 ? 1 : 2;
}

/** Why `n` is not a valid worker count, or undefined when it is. */
export function badWorkers(n: unknown): string | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_WORKERS
    ? undefined
    : `workers must be an integer from 1 to ${MAX_WORKERS}, got ${JSON.stringify(n)}`;
}
