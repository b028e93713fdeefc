// Entry of a data-parallel worker thread (bundled to dist/train-worker.js). It builds its replica
// from workerData (after checking it runs under the trainer's protections and installing the
// host-read guard), says 'ready', then answers DataParallel's requests one at a time. A step: the
// gradient of this worker's share of the batch goes into its slot of the shared buffer; at a
// barrier; each worker sums the slots (rank order) over its own shard of the parameters only and
// publishes that shard's squared norm; at a second barrier every worker adds the norms in rank
// order (the same bits everywhere: the same clipping), runs AdamW on its shard and writes the new
// values into the shared parameters; after a third, every worker loads all of them. The sum and
// the update are split, not repeated, over the workers; the result equals one worker's.
import { parentPort, workerData } from 'node:worker_threads';
import { CTRL, type Envelope, type WorkerInit, type WorkerMessage } from './protocol';
import { installHostReadGuard } from '../../sandbox/guard';
import { missingProtections, protections } from './protections';
import { Replica, type Shard } from './replica';

interface Shared {
  readonly slots: Float32Array[];
  readonly params: Float32Array;
  readonly norms: Float64Array;
  readonly shard: Shard;
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
  const { grads, sq } = replica.sumShard(shared.slots, shared.shard);
  shared.norms[init.rank] = sq;
  barrier(shared.ctrl, init.workers);
  let total = 0;
  for (const x of shared.norms) {
    total += x;
  }
  const gradNorm = Math.sqrt(total);
  if (Number.isFinite(gradNorm)) {
    replica.updateShard(grads, shared.params, shared.shard, r.lr, gradNorm);
    barrier(shared.ctrl, init.workers);
    replica.loadFlat(shared.params);
  }
  return { loss, gradNorm };
}

/** Views of the shared buffers; writes this worker's shard of the parameters into them. */
function attach(
  replica: Replica,
  init: WorkerInit,
  r: Extract<Envelope, { op: 'attach' }>,
): Shared {
  const size = replica.size;
  const slots = Array.from(
    { length: init.workers },
    (_, i) => new Float32Array(r.grads, i * size * 4, size),
  );
  const shared = {
    slots,
    params: new Float32Array(r.params, 0, size),
    norms: new Float64Array(r.norms, 0, init.workers),
    shard: replica.shardOf(init.rank, init.workers),
    ctrl: new Int32Array(r.ctrl),
  };
  replica.writeShard(shared.params, shared.shard);
  return shared;
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
        shared = attach(replica, init, r);
        return null;
      case 'step':
        if (!shared) {
          throw new Error('data-parallel: step before attach');
        }
        return step(replica, shared, init, r);
      case 'eval':
        return { loss: r.rows > 0 ? replica.evalLoss(r.tokens, r.rows, r.context) : 0 };
      case 'export':
        return replica.exportState(shared?.shard);
      case 'import':
        replica.importState(r.state);
        if (shared) {
          replica.writeShard(shared.params, shared.shard);
        }
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
