// Blocksmith's row-wise wasm kernels (kernels/rowwise.c) as tfjs kernels with gradients, so tidy,
// the gradient tape and memory accounting see them as any other kernel. Each replaces a chain of
// tfjs kernels (and their copies: casts, transposes, split/concat) by one pass over the rows.
// Used on the wasm backend only, for float32 tensors with values; callers keep the tfjs
// formulation for every other case, and the tests hold both to the same results.
import * as tf from '@tensorflow/tfjs-core';
import { addressOf, moduleOn, output, type KernelFns } from './kernels';

type Info = tf.TensorInfo;
type Inputs = Record<string, Info>;
type Attrs = Record<string, number | number[]>;
type KernelBody = (io: { inputs: Inputs; attrs: Attrs; backend: unknown }) => Info | Info[];

const size = (shape: readonly number[]): number => shape.reduce((p, n) => p * n, 1);

/** Registers a wasm kernel and, when given, its gradient (once per process: names are global). */
export function defineKernel(
  name: string,
  body: KernelBody,
  grad?: Omit<tf.GradConfig, 'kernelName'>,
): void {
  if (tf.getKernelsForBackend('wasm').some((k) => k.kernelName === name)) {
    return;
  }
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: body as unknown as tf.KernelFunc,
  });
  if (grad) {
    tf.registerGradient({ ...grad, kernelName: name });
  }
}

/** Runs a registered kernel on the engine (so the tape records it). */
export function runKernel(
  name: string,
  inputs: Record<string, tf.Tensor>,
  attrs: Attrs = {},
): tf.Tensor | tf.Tensor[] {
  return tf.engine().runKernel<tf.Tensor | tf.Tensor[]>(name, inputs, attrs);
}

const rowwise = (backend: unknown): KernelFns => moduleOn(backend, 'rowwise');
const at = (backend: unknown, x: Info): number => addressOf(backend, x);

/** A kernel of n elementwise floats: fwd(x, y, n) and bwd(x, dy, dx, n). */
function defineUnary(name: string, fwd: string, bwd: string): void {
  defineKernel(`${name}Grad`, ({ inputs: { x, dy }, backend }) => {
    const o = output(backend, [...x.shape]);
    rowwise(backend)[bwd](at(backend, x), at(backend, dy), o.at, size(x.shape));
    return o.info;
  });
  defineKernel(
    name,
    ({ inputs: { x }, backend }) => {
      const o = output(backend, [...x.shape]);
      rowwise(backend)[fwd](at(backend, x), o.at, size(x.shape));
      return o.info;
    },
    {
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({
        x: () => runKernel(`${name}Grad`, { x, dy: dy as tf.Tensor }) as tf.Tensor,
      }),
    },
  );
}

/** a [R * M values] times b [M values] repeated R times (R = 1: same shapes); output a's shape. */
function defineMul(): void {
  defineKernel('BlocksmithMulGrad', ({ inputs: { a, b, dy }, backend }) => {
    const da = output(backend, [...a.shape]);
    const db = output(backend, [...b.shape]);
    const m = size(b.shape);
    const [aa, ab, ady] = [a, b, dy].map((x) => at(backend, x));
    rowwise(backend).mul_bwd(aa, ab, ady, da.at, db.at, size(a.shape) / m, m);
    return [da.info, db.info];
  });
  defineKernel(
    'BlocksmithMul',
    ({ inputs: { a, b }, backend }) => {
      const y = output(backend, [...a.shape]);
      const m = size(b.shape);
      rowwise(backend).mul_fwd(at(backend, a), at(backend, b), y.at, size(a.shape) / m, m);
      return y.info;
    },
    {
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => {
        const ins = { a, b, dy: dy as tf.Tensor };
        const [da, db] = runKernel('BlocksmithMulGrad', ins) as tf.Tensor[];
        return { a: () => da, b: () => db };
      },
    },
  );
}

/** y = x rsqrt(mean(x^2) + eps) w over the last axis; the backward recomputes the rsqrt. */
function defineRmsNorm(): void {
  defineKernel('BlocksmithRmsNormGrad', ({ inputs: { x, w, dy }, attrs, backend }) => {
    const d = w.shape[0];
    const dx = output(backend, [...x.shape]);
    const dw = output(backend, [d]);
    const [ax, aw, ady] = [at(backend, x), at(backend, w), at(backend, dy)];
    rowwise(backend).rmsnorm_bwd(
      ax,
      aw,
      ady,
      dx.at,
      dw.at,
      size(x.shape) / d,
      d,
      attrs.eps as number,
    );
    return [dx.info, dw.info];
  });
  defineKernel(
    'BlocksmithRmsNorm',
    ({ inputs: { x, w }, attrs, backend }) => {
      const d = w.shape[0];
      const y = output(backend, [...x.shape]);
      const rows = size(x.shape) / d;
      rowwise(backend).rmsnorm_fwd(
        at(backend, x),
        at(backend, w),
        y.at,
        rows,
        d,
        attrs.eps as number,
      );
      return y.info;
    },
    {
      inputsToSave: ['x', 'w'],
      gradFunc: (dy, [x, w], attrs) => {
        const ins = { x, w, dy: dy as tf.Tensor };
        const [dx, dw] = runKernel('BlocksmithRmsNormGrad', ins, attrs as Attrs) as tf.Tensor[];
        return { x: () => dx, w: () => dw };
      },
    },
  );
}

let ready = false;

/** Registers this file's kernels (idempotent, cheap after the first call). */
function ensure(): void {
  if (!ready) {
    ready = true;
    defineUnary('BlocksmithSilu', 'silu_fwd', 'silu_bwd');
    defineUnary('BlocksmithGelu', 'gelu_fwd', 'gelu_bwd');
    defineUnary('BlocksmithTanh', 'tanh_fwd', 'tanh_bwd');
    defineUnary('BlocksmithSigmoid', 'sigmoid_fwd', 'sigmoid_bwd');
    defineMul();
    defineRmsNorm();
  }
}

/** x sigmoid(x) on wasm. */
export function siluWasm(x: tf.Tensor): tf.Tensor {
  ensure();
  return runKernel('BlocksmithSilu', { x }) as tf.Tensor;
}

/** tanh on wasm (tfjs's wasm Tanh is a scalar loop; its gradient two more kernels). */
export function tanhWasm(x: tf.Tensor): tf.Tensor {
  ensure();
  return runKernel('BlocksmithTanh', { x }) as tf.Tensor;
}

/** sigmoid on wasm. */
export function sigmoidWasm(x: tf.Tensor): tf.Tensor {
  ensure();
  return runKernel('BlocksmithSigmoid', { x }) as tf.Tensor;
}

/** The tanh-form GELU on wasm. */
export function geluWasm(x: tf.Tensor): tf.Tensor {
  ensure();
  return runKernel('BlocksmithGelu', { x }) as tf.Tensor;
}

/**
 * a * b on wasm where b's values repeat along a (b's shape, leading 1s aside, ends a's shape and
 * b's rank is at most a's): same shapes, or a [..., D] weight. The gradient is one pass with no
 * casts (tfjs's casts both inputs, then reduces db in a second kernel).
 */
export function mulWasm(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  ensure();
  return runKernel('BlocksmithMul', { a, b }) as tf.Tensor;
}

/** x rsqrt(mean(x^2, -1) + eps) w for x [..., D], w [D], on wasm. */
export function rmsNormWasm(x: tf.Tensor, w: tf.Tensor, eps: number): tf.Tensor {
  ensure();
  return runKernel('BlocksmithRmsNorm', { x, w }, { eps }) as tf.Tensor;
}
