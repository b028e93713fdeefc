// ops.slice and ops.tile on wasm as row copies (kernels/rowwise.c): tfjs's wasm Slice runs a
// generic index loop (~30-70 us a call at the seeds' shapes, dozens of calls a step in chunked
// designs) and its gradient is a PadV2; the slice's gradient here zeroes dx and copies dy into
// the box. tfjs's Tile took ~2 ms for [16, 1, 64, 16] x [1, 3, 1, 1] (grouped-query attention's
// head sharing) and its gradient a loop of slices; here a tile is one repeat of blocks per tiled
// axis and its gradient one sum over the repeats (sum_middle).
import * as tf from '@tensorflow/tfjs-core';
import { addressOf, moduleOn, output } from './kernels';
import { defineKernel, runKernel } from './rowwise';

const F32 = 4; // bytes a float

/** Row-major strides of `shape`, in elements. */
function stridesOf(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) {
    out[a] = out[a + 1] * shape[a + 1];
  }
  return out;
}

/**
 * Copies the box `begin` + `size` of a tensor of shape `full` (at address big) to or from the
 * dense tensor of shape `size` (at small). The trailing axes the box spans whole merge into one
 * contiguous run; the axis before them is the rows of one copy_rows call; the axes before that
 * are enumerated here.
 */
function copyBox(
  backend: unknown,
  full: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  big: number,
  small: number,
  toSmall: boolean,
): void {
  const k = moduleOn(backend, 'rowwise');
  let p = full.length - 1;
  while (p > 0 && size[p] === full[p]) {
    p--;
  }
  const bigStride = stridesOf(full);
  const smallStride = stridesOf(size);
  const width = size[p] * bigStride[p];
  const rows = p > 0 ? size[p - 1] : 1;
  const rowAxis = p > 0 ? p - 1 : 0;
  const outer = size.slice(0, Math.max(0, p - 1));
  const idx = new Array<number>(outer.length).fill(0);
  const count = outer.reduce((a, n) => a * n, 1);
  for (let c = 0; c < count; c++) {
    let ob = 0;
    let os = 0;
    for (let a = 0; a < idx.length; a++) {
      ob += (begin[a] + idx[a]) * bigStride[a];
      os += idx[a] * smallStride[a];
    }
    ob += begin[p] * bigStride[p] + (p > 0 ? begin[rowAxis] * bigStride[rowAxis] : 0);
    const [sb, ss] = [big + ob * F32, small + os * F32];
    const strideB = p > 0 ? bigStride[rowAxis] : 0;
    const strideS = p > 0 ? smallStride[rowAxis] : 0;
    if (toSmall) {
      k.copy_rows(sb, ss, rows, width, strideB, strideS);
    } else {
      k.copy_rows(ss, sb, rows, width, strideS, strideB);
    }
    for (let a = idx.length - 1; a >= 0 && ++idx[a] === outer[a]; a--) {
      idx[a] = 0; // odometer over the enumerated axes
    }
  }
}

let ready = false;

function ensure(): void {
  if (ready) {
    return;
  }
  ready = true;
  defineTile();
  defineKernel('BlocksmithSliceGrad', ({ inputs: { dy }, attrs, backend }) => {
    const full = attrs.full as number[];
    const dx = output(backend, full);
    moduleOn(backend, 'rowwise').zero(
      dx.at,
      full.reduce((a, n) => a * n, 1),
    );
    const begin = attrs.begin as number[];
    copyBox(backend, full, begin, dy.shape, dx.at, addressOf(backend, dy), false);
    return dx.info;
  });
  defineKernel(
    'BlocksmithSlice',
    ({ inputs: { x }, attrs, backend }) => {
      const size = attrs.size as number[];
      const y = output(backend, size);
      const begin = attrs.begin as number[];
      copyBox(backend, x.shape, begin, size, addressOf(backend, x), y.at, true);
      return y.info;
    },
    {
      gradFunc: (dy, _saved, attrs) => ({
        x: () =>
          runKernel(
            'BlocksmithSliceGrad',
            { dy: dy as tf.Tensor },
            {
              begin: attrs.begin as number[],
              full: attrs.full as number[],
            },
          ) as tf.Tensor,
      }),
    },
  );
}

/** [outer, block]: the products of the axes before `axis` and from it on. */
function split(shape: readonly number[], axis: number): [number, number] {
  const prod = (xs: readonly number[]): number => xs.reduce((p, n) => p * n, 1);
  return [prod(shape.slice(0, axis)), prod(shape.slice(axis))];
}

/** x tiled `reps` times along `axis` alone: [.., n, ..] to [.., reps * n, ..]. */
function defineTile(): void {
  defineKernel('BlocksmithTileGrad', ({ inputs: { dy }, attrs, backend }) => {
    const [axis, reps] = [attrs.axis as number, attrs.reps as number];
    const shape = [...dy.shape];
    shape[axis] /= reps;
    const [outer, block] = split(shape, axis);
    const dx = output(backend, shape);
    moduleOn(backend, 'rowwise').sum_middle(addressOf(backend, dy), dx.at, outer, reps, block);
    return dx.info;
  });
  defineKernel(
    'BlocksmithTile',
    ({ inputs: { x }, attrs, backend }) => {
      const [axis, reps] = [attrs.axis as number, attrs.reps as number];
      const [outer, block] = split(x.shape, axis);
      const shape = [...x.shape];
      shape[axis] *= reps;
      const y = output(backend, shape);
      moduleOn(backend, 'rowwise').repeat_middle(addressOf(backend, x), y.at, outer, reps, block);
      return y.info;
    },
    {
      gradFunc: (dy, _saved, attrs) => ({
        x: () =>
          runKernel(
            'BlocksmithTileGrad',
            { dy: dy as tf.Tensor },
            {
              axis: attrs.axis as number,
              reps: attrs.reps as number,
            },
          ) as tf.Tensor,
      }),
    },
  );
}

/** tf.tile for a float32 x on wasm: one repeat per tiled axis (reps: positive integers). */
export function tileWasm(x: tf.Tensor, reps: readonly number[]): tf.Tensor {
  if (reps.every((r) => r === 1)) {
    return tf.clone(x);
  }
  ensure();
  // tidy frees the intermediates of a tile along several axes (the gradient saves no input)
  return tf.tidy(() =>
    reps.reduce(
      (y, r, axis) =>
        r === 1 ? y : (runKernel('BlocksmithTile', { x: y }, { axis, reps: r }) as tf.Tensor),
      x,
    ),
  );
}

/**
 * tf.slice for a float32 x on wasm, or undefined when the box is not a plain non-empty one inside
 * x (the caller's tf.slice then reports the problem). `size` entries of -1 run to the end.
 */
export function sliceWasm(
  x: tf.Tensor,
  begin: readonly number[],
  size: readonly number[],
): tf.Tensor | undefined {
  const box = size.map((n, a) => (n === -1 ? x.shape[a] - begin[a] : n));
  const inside = box.every(
    (n, a) =>
      Number.isInteger(begin[a]) &&
      Number.isInteger(n) &&
      begin[a] >= 0 &&
      n >= 1 &&
      begin[a] + n <= x.shape[a],
  );
  if (!inside || x.rank === 0) {
    return undefined;
  }
  ensure();
  const attrs = { begin: [...begin], size: box, full: [...x.shape] };
  return runKernel('BlocksmithSlice', { x }, attrs) as tf.Tensor;
}
