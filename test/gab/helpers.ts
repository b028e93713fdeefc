// Test helpers for the ops: seeded data, both backends, finite-difference gradient checks.
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend';
import type { Tensor } from '../../src/gab/contract';

/** Host-side input: data plus shape, turned into a tensor on whichever backend is active. */
export interface Data {
  readonly shape: number[];
  readonly values: Float32Array;
}

/** mulberry32: a tiny seeded generator, so every run sees the same inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const size = (shape: readonly number[]): number => shape.reduce((p, n) => p * n, 1);

/** Uniform values in [lo, hi). */
export function uniform(shape: number[], lo: number, hi: number, seed: number): Data {
  const r = rng(seed);
  return { shape, values: Float32Array.from({ length: size(shape) }, () => lo + (hi - lo) * r()) };
}

/** Values in [-1, 1). */
export const randn = (shape: number[], seed: number): Data => uniform(shape, -1, 1, seed);

/** Values with |x| in [0.2, 1.2) and a random sign: far from the kinks of relu, abs, max. */
export function awayFromZero(shape: number[], seed: number): Data {
  const r = rng(seed);
  const values = Float32Array.from({ length: size(shape) }, () => {
    const m = 0.2 + r();
    return r() < 0.5 ? -m : m;
  });
  return { shape, values };
}

export const toTensor = (d: Data): tf.Tensor => tf.tensor(d.values, d.shape);
export const tt = (x: Tensor): tf.Tensor => x as unknown as tf.Tensor;
export const ct = (x: tf.Tensor): Tensor => x;

let ready: Promise<void> | undefined;

/** Registers and initialises both backends once per process. */
export function bothBackends(): Promise<void> {
  ready ??= (async () => {
    await initBackend('wasm');
    await initBackend('cpu');
  })();
  return ready;
}

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  await bothBackends();
  await tf.setBackend(name);
}

/** A function under test: contract tensors in, one contract tensor out. */
export type OpFn = (...xs: Tensor[]) => Tensor;

/** Fixed weights R for the scalar loss sum(f(x) * R), so gradients are not all-ones. */
function lossWeights(f: OpFn, inputs: readonly Data[]): Data {
  const shape = tf.tidy(() => tt(f(...inputs.map((d) => ct(toTensor(d))))).shape);
  return randn(shape, 99);
}

function loss(f: OpFn, w: tf.Tensor, xs: tf.Tensor[]): tf.Scalar {
  return tf.sum(tf.mul(tt(f(...xs.map(ct))), w));
}

/** Output and analytic gradients of sum(f(x) * R) on the active backend, read back to the host. */
export function evalWithGrads(
  f: OpFn,
  inputs: readonly Data[],
): { y: Float32Array; grads: Float32Array[] } {
  const wd = lossWeights(f, inputs);
  return tf.tidy(() => {
    const xs = inputs.map(toTensor);
    const w = toTensor(wd);
    const y = tt(f(...xs.map(ct))).dataSync() as Float32Array;
    const grads = tf.grads((...a: tf.Tensor[]) => loss(f, w, a))(xs);
    return { y: Float32Array.from(y), grads: grads.map((g) => Float32Array.from(g.dataSync())) };
  });
}

/** Central finite difference of the loss along entry `i` of input `k`. */
function numericGrad(
  f: OpFn,
  inputs: readonly Data[],
  w: Data,
  k: number,
  i: number,
  eps: number,
): number {
  const at = (delta: number): number =>
    tf.tidy(() => {
      const xs = inputs.map((d, j) => {
        if (j !== k) {
          return toTensor(d);
        }
        const v = Float32Array.from(d.values);
        v[i] += delta;
        return tf.tensor(v, d.shape);
      });
      return loss(f, toTensor(w), xs).dataSync()[0];
    });
  return (at(eps) - at(-eps)) / (2 * eps);
}

/** Checks analytic gradients against central differences on up to `samples` entries per input. */
export function checkGrads(
  name: string,
  f: OpFn,
  inputs: readonly Data[],
  opts: { eps?: number; rtol?: number; atol?: number; samples?: number } = {},
): void {
  const { eps = 1e-2, rtol = 2e-2, atol = 2e-3, samples = 12 } = opts;
  const w = lossWeights(f, inputs);
  const { grads } = evalWithGrads(f, inputs);
  inputs.forEach((d, k) => {
    const n = d.values.length;
    const step = Math.max(1, Math.floor(n / samples));
    for (let i = 0; i < n; i += step) {
      const num = numericGrad(f, inputs, w, k, i, eps);
      const ana = grads[k][i];
      assert.ok(
        Math.abs(ana - num) <= rtol * Math.abs(num) + atol,
        `${name}: d/dinput${k}[${i}] analytic ${ana} vs numeric ${num}`,
      );
    }
  });
}

/** max |a - b| <= tol * max(1, max |b|). */
export function assertClose(
  name: string,
  a: Float32Array,
  b: Float32Array,
  tol: number,
  floor = 1,
): void {
  assert.equal(a.length, b.length, `${name}: lengths differ`);
  let scale = floor;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    assert.ok(Number.isFinite(a[i]), `${name}: non-finite value at ${i}`);
  }
  assert.ok(worst <= tol * scale, `${name}: max difference ${worst} exceeds ${tol} x ${scale}`);
}
