// Kernel overrides for the wasm backend.
// - Identity copies the tensor, and tfjs's gradient tape clones (Identity) every tensor a
//   gradient saves (engine.saveTensorsForBackwardMode): ~250 copies a training step of the GPT
//   seed, ~500 for RWKV6, for nothing. tfjs data is immutable (kernels write fresh outputs;
//   Variable.assign swaps the data id), so the clone can share the data by reference count, as
//   the cpu backend's Identity and wasm's own Reshape do. A Cast to the same dtype (tfjs's
//   gradients of broadcasting ops cast their results) is the same copy, shared the same way.
// - Sum over a contiguous run of axes (the gradient of every broadcast add or multiply sums over
//   the broadcast axes, mostly the leading ones) runs as one pass of vector adds
//   (kernels/rowwise.c sum_middle): wasm's own Sum took ~0.7 ms for [5, 1024, 48] over axis 0.
import * as tf from '@tensorflow/tfjs-core';
// wasm registers its kernels when loaded: load it first, so that ours replaces its Identity
import '@tensorflow/tfjs-backend-wasm';
import { addressOf, kernels, output } from './kernels';

interface RefCounted {
  incRef(dataId: tf.DataId): void;
}

let shared = false;

/** Installs the overrides above (once per process). */
export function shareIdentityOnWasm(): void {
  if (shared) {
    return;
  }
  shared = true;
  const share = (x: tf.TensorInfo, backend: unknown): tf.TensorInfo => {
    (backend as RefCounted).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  override(tf.Identity, () => (args) => share(args.inputs.x as tf.TensorInfo, args.backend));
  override(tf.Cast, (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    return x.dtype === (args.attrs as { dtype: string }).dtype
      ? share(x, args.backend)
      : original(args);
  });
  override(tf.Sum, (original) => (args) => sumRun(args) ?? original(args));
}

/** Replaces wasm's kernel `name` by make(its original function). */
function override(name: string, make: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const config = tf.getKernel(name, 'wasm') as tf.KernelConfig | undefined;
  if (!config) {
    throw new Error(`wasm kernels: tfjs-backend-wasm has no ${name} kernel to replace`);
  }
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...config, kernelFunc: make(config.kernelFunc) });
}

/** Sum over axes that form one contiguous run with at least 4 values after it, else undefined. */
function sumRun(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | undefined {
  const x = args.inputs.x as tf.TensorInfo;
  const { axis, keepDims } = args.attrs as { axis?: number | number[] | null; keepDims: boolean };
  const rank = x.shape.length;
  const all = x.shape.map((_, a) => a); // tf.sum(x) with no axis sums them all
  const asked = axis === null || axis === undefined ? all : Array.isArray(axis) ? axis : [axis];
  const axes = [...new Set(asked.map((a) => (a + rank) % rank))];
  axes.sort((a, b) => a - b);
  if (x.dtype !== 'float32' || axes.length === 0) {
    return undefined;
  }
  const [first, last] = [axes[0], axes[axes.length - 1]];
  if (last - first !== axes.length - 1) {
    return undefined;
  }
  const prod = (xs: number[]): number => xs.reduce((p, n) => p * n, 1);
  const [outer, reps, block] = [
    prod(x.shape.slice(0, first)),
    prod(x.shape.slice(first, last + 1)),
    prod(x.shape.slice(last + 1)),
  ];
  const fns = kernels(args.backend, 'rowwise');
  if (!fns || block < 4 || outer * reps * block === 0) {
    return undefined;
  }
  const shape = keepDims
    ? x.shape.map((n, a) => (a >= first && a <= last ? 1 : n))
    : x.shape.filter((_, a) => a < first || a > last);
  const y = output(args.backend, shape);
  fns.sum_middle(addressOf(args.backend, x), y.at, outer, reps, block);
  return y.info;
}
