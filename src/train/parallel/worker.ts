// Entry of a data-parallel worker thread (bundled to dist/train-worker.js). It builds its replica
// from workerData (after checking it runs under the trainer's protections and installing the
// host-read guard), says 'ready', then answers DataParallel's requests one at a time. A step: the
// gradient of this worker's share of the batch goes into its slot of the shared buffer, a barrier
// waits for every worker, and each sums all slots in rank order (so every worker gets the same
// bits) and applies the same AdamW step.
import { parentPort, workerData } from 'node:worker_threads';
import { CTRL, type Envelope, type WorkerInit, type WorkerMessage } from './protocol';
import { installHostReadGuard } from '../../sandbox/guard';
import { missingProtections, protections } from './protections';
import { Replica } from './replica';

interface Shared {
  readonly slots: Float32Array[];
  readonly ctrl: Int32Array;
}

/** Blocks until all `n` workers arrive; throws when the main thread aborts the run. */
function barrier(ctrl: Int32Array, n: number): void {
  const gen = Atomics.load(ctrl, CTRL.generation);
  if (Atomics.add(ctrl, CTRL.arrived, 1) === n - 1) {
    Atomics.store(ctrl, CTRL.arrived, 0);
    Atomics.add(ctrl, CTRL.generation, 1);
    Atomics.notify(ctrl, CTRL.generation);
    return;
  }
  while (Atomics.load(ctrl, CTRL.generation) === gen) {
    if (Atomics.load(ctrl, CTRL.abort) !== 0) {
      throw new Error('data-parallel: another worker failed, this step is abandoned');
    }
    Atomics.wait(ctrl, CTRL.generation, gen, 1000);
  }
}

function step(
  replica: Replica,
  shared: Shared,
  init: WorkerInit,
  r: Extract<Envelope, { op: 'step' }>,
): { loss: number; gradNorm: number } {
  const mine = shared.slots[init.rank];
  let loss = 0;
  if (r.rows > 0) {
    const out = replica.lossAndGrads(r.tokens, r.rows, r.context);
    loss = out.loss * r.weight;
    replica.writeFlat(out.grads, r.weight, mine);
  } else {
    mine.fill(0);
  }
  barrier(shared.ctrl, init.workers);
  const sum = Float32Array.from(shared.slots[0]);
  for (let s = 1; s < shared.slots.length; s++) {
    const slot = shared.slots[s];
    for (let i = 0; i < sum.length; i++) {
      sum[i] += slot[i];
    }
  }
  return { loss, gradNorm: replica.applyFlat(sum, r.lr).gradNorm };
}

function attach(
  size: number,
  workers: number,
  grads: SharedArrayBuffer,
  ctrl: SharedArrayBuffer,
): Shared {
  const slots = Array.from(
    { length: workers },
    (_, i) => new Float32Array(grads, i * size * 4, size),
  );
  return { slots, ctrl: new Int32Array(ctrl) };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) {
    throw new Error('train-worker.js runs only as a worker thread (started by DataParallel)');
  }
  const post = (m: WorkerMessage): void => {
    port.postMessage(m);
  };
  const init = workerData as WorkerInit;
  let replica: Replica;
  try {
    const missing = init.protections && missingProtections(init.protections, protections());
    if (missing !== undefined) {
      throw new Error(missing);
    }
    // block code runs here too: tensor reads inside its forward throw, as in the trainer's thread
    installHostReadGuard();
    replica = await Replica.create(init.opts);
  } catch (err) {
    post({ kind: 'error', id: null, message: err instanceof Error ? err.message : String(err) });
    return;
  }
  let shared: Shared | undefined;
  const handle = (r: Envelope): unknown => {
    switch (r.op) {
      case 'attach':
        shared = attach(replica.size, init.workers, r.grads, r.ctrl);
        return null;
      case 'step':
        if (!shared) {
          throw new Error('data-parallel: step before attach');
        }
        return step(replica, shared, init, r);
      case 'eval':
        return { loss: r.rows > 0 ? replica.evalLoss(r.tokens, r.rows, r.context) : 0 };
      case 'export':
        return replica.exportState();
      case 'import':
        replica.importState(r.state);
        return null;
      case 'digest':
        return { digest: replica.digest() };
    }
  };
  port.on('message', (r: Envelope) => {
    try {
      post({ kind: 'reply', id: r.id, result: handle(r) });
    } catch (err) {
      post({ kind: 'error', id: r.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
  post({ kind: 'ready', size: replica.size, backend: replica.backend });
}

void main();
