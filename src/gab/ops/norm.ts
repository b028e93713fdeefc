// Normalisations over the last axis, written with mean/rsqrt so every backend has the kernels.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '../contract';
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

export function rmsNorm(x: Tensor, weight: Tensor, eps = 1e-6): Tensor {
  lastDimIs('rmsNorm', x, weight, 'weight');
  return tf.tidy(() => {
    const v = t(x);
    const inv = tf.rsqrt(tf.add(tf.mean(tf.square(v), -1, true), eps)); // [..., 1]
    return tf.mul(tf.mul(v, inv), t(weight));
  });
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
