// Row-copy and sequence kernels on wasm (kernels/rowwise.c): split and concat as strided row
// copies (each the other's gradient), the head moves [A, M, N, C] <-> [A, N, M, C], rotary
// positions. Same contract as rowwise.ts: wasm, float32, callers
// keep the tfjs formulation elsewhere.
import * as tf from '@tensorflow/tfjs-core';
import { addressOf, moduleOn, output } from './kernels';
import { defineKernel, runKernel } from './rowwise';

type Info = tf.TensorInfo;
const F32 = 4; // bytes a float

const size = (shape: readonly number[]): number => shape.reduce((p, n) => p * n, 1);

/** [outer, inner]: the products of the axes before and after `axis`. */
function around(shape: readonly number[], axis: number): [number, number] {
  return [size(shape.slice(0, axis)), size(shape.slice(axis + 1))];
}

/** Copies each piece's block of rows between x and the pieces (split: toPieces; concat: not). */
function copyPieces(
  backend: unknown,
  x: Info,
  pieces: Info[],
  axis: number,
  toPieces: boolean,
): void {
  const k = moduleOn(backend, 'rowwise');
  const [outer, inner] = around(x.shape, axis);
  const rowX = x.shape[axis] * inner;
  let at = addressOf(backend, x);
  for (const p of pieces) {
    const w = p.shape[axis] * inner;
    const ap = addressOf(backend, p);
    if (toPieces) {
      k.copy_rows(at, ap, outer, w, rowX, w);
    } else {
      k.copy_rows(ap, at, outer, w, w, rowX);
    }
    at += w * F32;
  }
}

function defineSplitConcat(): void {
  defineKernel(
    'BlocksmithSplit',
    ({ inputs: { x }, attrs, backend }) => {
      const axis = attrs.axis as number;
      const pieces = (attrs.sizes as number[]).map((s) => {
        const shape = [...x.shape];
        shape[axis] = s;
        return output(backend, shape).info;
      });
      copyPieces(backend, x, pieces, axis, true);
      return pieces;
    },
    {
      gradFunc: (dys, _saved, attrs) => {
        const parts = Array.isArray(dys) ? dys : [dys];
        const ins = Object.fromEntries(parts.map((d, i) => [`x${i}`, d]));
        const dx = runKernel('BlocksmithConcat', ins, attrs as Record<string, number | number[]>);
        return { x: () => dx as tf.Tensor };
      },
    },
  );
  defineKernel(
    'BlocksmithConcat',
    ({ inputs, attrs, backend }) => {
      const axis = attrs.axis as number;
      const xs = Object.values(inputs);
      const shape = [...xs[0].shape];
      shape[axis] = (attrs.sizes as number[]).reduce((p, s) => p + s, 0);
      const y = output(backend, shape).info;
      copyPieces(backend, y, xs, axis, false);
      return y;
    },
    {
      gradFunc: (dy, _saved, attrs) => {
        const sizes = attrs.sizes as number[];
        const a = { sizes, axis: attrs.axis as number };
        const parts = runKernel('BlocksmithSplit', { x: dy as tf.Tensor }, a) as tf.Tensor[];
        return Object.fromEntries(parts.map((p, i) => [`x${i}`, () => p]));
      },
    },
  );
}

/** x [A, M, N, C] to [A, N, M, C]; the gradient is the same move back. */
function defineSwap(): void {
  defineKernel(
    'BlocksmithSwapMiddle',
    ({ inputs: { x }, backend }) => {
      const [a, m, n, c] = x.shape as [number, number, number, number];
      const y = output(backend, [a, n, m, c]);
      moduleOn(backend, 'rowwise').swap_middle(addressOf(backend, x), y.at, a, m, n, c);
      return y.info;
    },
    {
      gradFunc: (dy) => ({
        x: () => runKernel('BlocksmithSwapMiddle', { x: dy as tf.Tensor }) as tf.Tensor,
      }),
    },
  );
}

/** x [G, L, Dh] (any leading axes) rotated with tables cos, sin [L, Dh/2]; sign -1 is the transpose. */
function defineRope(): void {
  defineKernel(
    'BlocksmithRope',
    ({ inputs: { x, cos, sin }, attrs, backend }) => {
      const [l, h] = cos.shape as [number, number];
      const y = output(backend, [...x.shape]);
      const g = size(x.shape) / (l * 2 * h);
      const [ax, ac, as] = [x, cos, sin].map((t) => addressOf(backend, t));
      moduleOn(backend, 'rowwise').rope(ax, ac, as, y.at, g, l, 2 * h, attrs.sign as number);
      return y.info;
    },
    {
      inputsToSave: ['cos', 'sin'],
      gradFunc: (dy, [cos, sin], attrs) => {
        const sign = -(attrs.sign as number);
        const dx = (): tf.Tensor =>
          runKernel('BlocksmithRope', { x: dy as tf.Tensor, cos, sin }, { sign }) as tf.Tensor;
        // the tables are constants: never on a gradient's path, zeros if asked
        return { x: dx, cos: () => tf.zerosLike(cos), sin: () => tf.zerosLike(sin) };
      },
    },
  );
}

let ready = false;

function ensure(): void {
  if (!ready) {
    ready = true;
    defineSplitConcat();
    defineSwap();
    defineRope();
  }
}

/** tf.split with explicit sizes along `axis`, as row copies. */
export function splitWasm(x: tf.Tensor, sizes: number[], axis: number): tf.Tensor[] {
  ensure();
  return runKernel('BlocksmithSplit', { x }, { sizes, axis }) as tf.Tensor[];
}

/** tf.concat along `axis` (same rank, same shapes off the axis), as row copies. */
export function concatWasm(xs: tf.Tensor[], axis: number): tf.Tensor {
  ensure();
  const ins = Object.fromEntries(xs.map((x, i) => [`x${i}`, x]));
  return runKernel('BlocksmithConcat', ins, {
    sizes: xs.map((x) => x.shape[axis]),
    axis,
  }) as tf.Tensor;
}

/** x [A, M, N, C] to [A, N, M, C]. */
export function swapMiddleWasm(x: tf.Tensor): tf.Tensor {
  ensure();
  return runKernel('BlocksmithSwapMiddle', { x }) as tf.Tensor;
}

/** RoPE on x [B, H, L, Dh] with cos, sin [L, Dh/2]. */
export function ropeWasm(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor {
  ensure();
  return runKernel('BlocksmithRope', { x, cos, sin }, { sign: 1 }) as tf.Tensor;
}
