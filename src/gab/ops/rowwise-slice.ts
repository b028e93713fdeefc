// ops.slice on wasm as strided row copies (kernels/rowwise.c copy_rows): tfjs's wasm Slice runs
// a generic index loop (~30-70 us a call at the seeds' shapes, dozens of calls a step in chunked
// designs) and its gradient is a PadV2. The gradient here zeroes dx and copies dy into the box.
import type * as tf from '@tensorflow/tfjs-core';
import { addressOf, output } from './kernels';
import { defineKernel, moduleOn, runKernel } from './rowwise';

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
