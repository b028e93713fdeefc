// The two ends of the LM on wasm (kernels/rowwise-lm.c): the embedding lookup as a row gather
// with a scatter-add gradient, and the mean cross-entropy fused. Same contract as rowwise.ts:
// wasm only; src/model/lm.ts keeps src/gab/ops/embedding.ts's formulation elsewhere.
import * as tf from '@tensorflow/tfjs-core';
import { addressOf, moduleOn, output } from './kernels';
import { defineKernel, runKernel } from './rowwise';

const lmKernels = (backend: unknown) => moduleOn(backend, 'rowwise-lm');

/** e [V, D] rows picked by int32 ids [N]; the gradient scatters dy back into [V, D]. */
function defineGather(): void {
  defineKernel('BlocksmithScatterRows', ({ inputs: { dy, ids, e }, backend }) => {
    const [v, d] = e.shape as [number, number];
    const de = output(backend, [v, d]);
    const [ady, aids] = [dy, ids].map((x) => addressOf(backend, x));
    lmKernels(backend).scatter_add_rows(ady, aids, de.at, ids.shape[0], d, v);
    return de.info;
  });
  defineKernel(
    'BlocksmithGatherRows',
    ({ inputs: { e, ids }, backend }) => {
      const [v, d] = e.shape as [number, number];
      const n = ids.shape[0];
      const y = output(backend, [n, d]);
      lmKernels(backend).gather_rows(addressOf(backend, e), addressOf(backend, ids), y.at, n, d, v);
      return y.info;
    },
    {
      // e is saved for its shape only (a shared reference, no copy)
      inputsToSave: ['e', 'ids'],
      gradFunc: (dy, [e, ids]) => ({
        e: () => runKernel('BlocksmithScatterRows', { dy: dy as tf.Tensor, ids, e }) as tf.Tensor,
        ids: () => tf.zeros(ids.shape), // token ids: never on a gradient's path
      }),
    },
  );
}

/** Outputs [loss [], lse [N]]: the mean loss, and each row's log-sum-exp for the gradient. */
function defineXent(): void {
  defineKernel('BlocksmithXentGrad', ({ inputs: { z, t, lse, dy }, backend }) => {
    const [n, v] = z.shape as [number, number];
    const dz = output(backend, [n, v]);
    const [az, at, al, ad] = [z, t, lse, dy].map((x) => addressOf(backend, x));
    lmKernels(backend).xent_bwd(az, at, al, ad, dz.at, n, v);
    return dz.info;
  });
  defineKernel(
    'BlocksmithXent',
    ({ inputs: { z, t }, backend }) => {
      const [n, v] = z.shape as [number, number];
      const loss = output(backend, []);
      const lse = output(backend, [n]);
      const [az, at] = [z, t].map((x) => addressOf(backend, x));
      lmKernels(backend).xent_fwd(az, at, lse.at, loss.at, n, v);
      return [loss.info, lse.info];
    },
    {
      inputsToSave: ['z', 't'],
      outputsToSave: [false, true],
      gradFunc: (dys, [z, t, lse]) => {
        const dy = (dys as tf.Tensor[])[0];
        return {
          z: () => runKernel('BlocksmithXentGrad', { z, t, lse, dy }) as tf.Tensor,
          t: () => tf.zeros(t.shape), // token ids: never on a gradient's path
        };
      },
    },
  );
}

let ready = false;

function ensure(): void {
  if (!ready) {
    ready = true;
    defineGather();
    defineXent();
  }
}

/** Rows of e [V, D] picked by int32 ids [N], to [N, D]; differentiable in e. */
export function embedWasm(ids: tf.Tensor, e: tf.Tensor): tf.Tensor {
  ensure();
  return runKernel('BlocksmithGatherRows', { e, ids }) as tf.Tensor;
}

/** Mean cross-entropy of logits z [N, V] against int32 targets [N]. */
export function crossEntropyWasm(z: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  ensure();
  const [loss, lse] = runKernel('BlocksmithXent', { z, t: targets }) as tf.Tensor[];
  lse.dispose(); // the tape keeps its own reference where it records
  return loss as tf.Scalar;
}
