// Op semantics against plain-JS references on small inputs (the gradient and cpu-vs-wasm tests
// alone would not notice an op that is consistently wrong).
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ops } from '../../src/gab/ops';
import type { Tensor } from '../../src/gab/contract';
import { assertClose, ct, randn, toTensor, tt, useBackend, type Data } from './helpers';

function run(f: (...xs: Tensor[]) => Tensor, ...inputs: Data[]): Float32Array {
  return tf.tidy(() => Float32Array.from(tt(f(...inputs.map((d) => ct(toTensor(d))))).dataSync()));
}

/** Standard RoPE on x [rows of L positions, Dh]: pairs (i, i + Dh/2). */
function ropeRef(x: Data, base: number): Float32Array {
  const [, , l, dh] = x.shape as [number, number, number, number];
  const half = dh / 2;
  const y = new Float32Array(x.values.length);
  for (let r = 0; r < x.values.length / dh; r++) {
    const p = r % l;
    for (let i = 0; i < half; i++) {
      const a = p * Math.pow(base, (-2 * i) / dh);
      const [x1, x2] = [x.values[r * dh + i], x.values[r * dh + i + half]];
      y[r * dh + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
      y[r * dh + i + half] = x2 * Math.cos(a) + x1 * Math.sin(a);
    }
  }
  return y;
}

/** Causal softmax attention for q, k, v [1, 1, L, D]. */
function attentionRef(q: Data, k: Data, v: Data): Float32Array {
  const [l, d] = [q.shape[2], q.shape[3]];
  const dv = v.shape[3];
  const y = new Float32Array(l * dv);
  for (let i = 0; i < l; i++) {
    const s = Array.from({ length: i + 1 }, (_, j) => {
      let dot = 0;
      for (let c = 0; c < d; c++) {
        dot += q.values[i * d + c] * k.values[j * d + c];
      }
      return dot / Math.sqrt(d);
    });
    const max = Math.max(...s);
    const e = s.map((x) => Math.exp(x - max));
    const z = e.reduce((a, b) => a + b, 0);
    for (let c = 0; c < dv; c++) {
      y[i * dv + c] = e.reduce((acc, w, j) => acc + (w / z) * v.values[j * dv + c], 0);
    }
  }
  return y;
}

/** Depthwise causal conv on x [1, L, D], w [K, D]. */
function convRef(x: Data, w: Data): Float32Array {
  const [l, d] = [x.shape[1], x.shape[2]];
  const kw = w.shape[0];
  const y = new Float32Array(l * d);
  for (let t = 0; t < l; t++) {
    for (let c = 0; c < d; c++) {
      for (let i = 0; i < kw; i++) {
        const s = t - kw + 1 + i;
        y[t * d + c] += s >= 0 ? w.values[i * d + c] * x.values[s * d + c] : 0;
      }
    }
  }
  return y;
}

const map = (d: Data, f: (x: number) => number): Float32Array => Float32Array.from(d.values, f);

for (const backend of ['cpu', 'wasm'] as const) {
  void test(`ops match plain-JS references (${backend})`, async () => {
    await useBackend(backend);
    const x = randn([2, 3, 5, 8], 1);
    assertClose(
      'rotary',
      run((a) => ops.rotary(a, 100), x),
      ropeRef(x, 100),
      1e-5,
    );
    const [q, k, v] = [randn([1, 1, 6, 4], 2), randn([1, 1, 6, 4], 3), randn([1, 1, 6, 3], 4)];
    assertClose(
      'causalAttention',
      run((a, b, c) => ops.causalAttention(a, b, c), q, k, v),
      attentionRef(q, k, v),
      1e-5,
    );
    const [xc, w] = [randn([1, 7, 3], 5), randn([3, 3], 6)];
    assertClose(
      'causalConv1d',
      run((a, b) => ops.causalConv1d(a, b), xc, w),
      convRef(xc, w),
      1e-5,
    );
    const s = randn([1, 4, 2], 7);
    const shifted = Float32Array.from(s.values, (_, i) => (i < 4 ? 0 : s.values[i - 4]));
    assertClose(
      'shift',
      run((a) => ops.shift(a, 2), s),
      shifted,
      0,
    );
    const e = randn([3, 4], 8);
    const gelu = (z: number): number =>
      0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3)));
    assertClose(
      'gelu',
      run((a) => ops.gelu(a), e),
      map(e, gelu),
      1e-6,
    );
    const big = { shape: e.shape, values: map(e, (z) => z * 40) };
    const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    assertClose(
      'softplus',
      run((a) => ops.softplus(a), big),
      map(big, softplus),
      1e-6,
    );
    assertClose(
      'logSigmoid',
      run((a) => ops.logSigmoid(a), big),
      map(big, (z) => -softplus(-z)),
      1e-6,
    );
    const cs = Float32Array.from(e.values, (_, i) => (i >= 4 ? e.values[i - 4] : 0) + e.values[i]);
    const csRef = Float32Array.from(cs, (c, i) => (i >= 8 ? c + e.values[i - 8] : c));
    assertClose(
      'cumsum',
      run((a) => ops.cumsum(a), { shape: [1, 3, 4], values: e.values }),
      csRef,
      1e-6,
    );
  });
}

void test('groupNorm normalises each group of the last axis', async () => {
  await useBackend('wasm');
  const x = randn([2, 3, 8], 9);
  const y = run(
    (a, w, b) => ops.groupNorm(a, 2, w, b, 0),
    x,
    { shape: [8], values: new Float32Array(8).fill(1) },
    { shape: [8], values: new Float32Array(8) },
  );
  const ref = new Float32Array(x.values.length);
  for (let g = 0; g < x.values.length / 4; g++) {
    const part = x.values.slice(g * 4, g * 4 + 4);
    const mu = part.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(part.reduce((a, b) => a + (b - mu) ** 2, 0) / 4);
    part.forEach((p, i) => (ref[g * 4 + i] = (p - mu) / sd));
  }
  assertClose('groupNorm', y, ref, 1e-5);
});
