// Normalisations over the last axis, written with mean/rsqrt so every backend has the kernels.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '../contract';
import { onWasm } from './kernels';
import { rmsNormWasm } from './rowwise';
import { check, t } from './util';

function lastDimIs(op: string, x: Tensor, p: Tensor, name: string): void {
  const d = x.shape[x.rank - 1];
  check(
    p.rank === 1 && p.shape[0] === d,
    op,
    `${name} must be [${d}], got [${p.shape.join(', ')}]`,
  );
}

/** (x - mean) / sqrt(var + eps) over the last axis, no affine part. */
function standardise(x: tf.Tensor, eps: number): tf.Tensor {
  const centred = tf.sub(x, tf.mean(x, -1, true));
  return tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), eps)));
}

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Fwd = (
  x: tf.Tensor,
  w: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: Grad };

/**
 * x r w with r = rsqrt(mean(x^2) + eps) [..., 1], and its gradient in closed form (a third of
 * the kernels autodiff runs, and no Pow): with xn = x r and g = dy w,
 * dx = r (g - xn mean(g xn)), dw = sum over rows of dy xn.
 */
function rmsNormOf(eps: number): (x: tf.Tensor, w: tf.Tensor) => tf.Tensor {
  const f: Fwd = (x, w, save) => {
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps)); // [..., 1]
    const xn = tf.mul(x, r); // [..., D]
    save([xn, w, r]);
    return {
      value: tf.mul(xn, w),
      gradFunc: (dy, saved) => {
        const [sxn, sw, sr] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const d = sw.shape[0];
        const g = tf.mul(dy, sw);
        const dx = tf.mul(sr, tf.sub(g, tf.mul(sxn, tf.mean(tf.mul(g, sxn), -1, true))));
        const dw = tf.sum(tf.reshape(tf.mul(dy, sxn), [-1, d]), 0); // [D]
        return [dx, dw];
      },
    };
  };
  const g = tf.customGrad(f as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]);
  return (x, w) => g(x, w);
}

const rmsByEps = new Map<number, (x: tf.Tensor, w: tf.Tensor) => tf.Tensor>();

export function rmsNorm(x: Tensor, weight: Tensor, eps = 1e-6): Tensor {
  lastDimIs('rmsNorm', x, weight, 'weight');
  if (onWasm(t(x), t(weight))) {
    return rmsNormWasm(t(x), t(weight), eps); // one kernel each way (rowwise.c)
  }
  let f = rmsByEps.get(eps);
  if (!f) {
    f = rmsNormOf(eps);
    rmsByEps.set(eps, f);
  }
  return f(t(x), t(weight));
}

export function layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps = 1e-5): Tensor {
  lastDimIs('layerNorm', x, weight, 'weight');
  lastDimIs('layerNorm', x, bias, 'bias');
  return tf.tidy(() => tf.add(tf.mul(standardise(t(x), eps), t(weight)), t(bias)));
}

export function groupNorm(
  x: Tensor,
  groups: number,
  weight: Tensor,
  bias: Tensor,
  eps = 1e-5,
): Tensor {
  const d = x.shape[x.rank - 1];
  check(
    Number.isInteger(groups) && groups > 0 && d % groups === 0,
    'groupNorm',
    `last axis ${d} does not split into ${groups} groups`,
  );
  lastDimIs('groupNorm', x, weight, 'weight');
  lastDimIs('groupNorm', x, bias, 'bias');
  return tf.tidy(() => {
    const lead = x.shape.slice(0, -1);
    const g = tf.reshape(t(x), [...lead, groups, d / groups]); // [..., G, D/G]
    const n = tf.reshape(standardise(g, eps), [...lead, d]);
    return tf.add(tf.mul(n, t(weight)), t(bias));
  });
}
