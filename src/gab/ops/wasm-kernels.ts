// A kernel override for the wasm backend. Its Identity copies the tensor, and tfjs's gradient tape
// clones (Identity) every tensor a gradient saves (engine.saveTensorsForBackwardMode): ~250
// copies a training step of the GPT seed, ~500 for RWKV6, for nothing. tfjs data is immutable
// (kernels write fresh outputs; Variable.assign swaps the data id), so the clone can share the
// data by reference count, as the cpu backend's Identity and wasm's own Reshape do.
import * as tf from '@tensorflow/tfjs-core';
// wasm registers its kernels when loaded: load it first, so that ours replaces its Identity
import '@tensorflow/tfjs-backend-wasm';

interface RefCounted {
  incRef(dataId: tf.DataId): void;
}

let shared = false;

/** Replaces wasm's copying Identity with one that shares the data (once per process). */
export function shareIdentityOnWasm(): void {
  if (shared) {
    return;
  }
  shared = true;
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel({
    kernelName: tf.Identity,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      (backend as unknown as RefCounted).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}
