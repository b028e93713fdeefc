// Sequence ops are causal: perturbing positions after t leaves every output at or before t unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ops } from '../../src/gab/ops';
import type { Tensor } from '../../src/gab/contract';
import { ct, randn, toTensor, tt, uniform, useBackend, type Data } from './helpers';

/** Copy of `d` with every value at sequence positions > t (on `axis`) changed. */
function perturbAfter(d: Data, axis: number, t: number): Data {
  const values = Float32Array.from(d.values);
  const inner = d.shape.slice(axis + 1).reduce((p, n) => p * n, 1);
  const len = d.shape[axis];
  for (let i = 0; i < values.length; i++) {
    if (Math.floor(i / inner) % len > t) {
      values[i] = values[i] * -0.5 - 0.3;
    }
  }
  return { shape: d.shape, values };
}

interface SeqCase {
  name: string;
  inputs: Data[];
  /** The sequence axis of each input and of the output. */
  axis: number;
  /** Inputs that vary along the sequence (the rest, e.g. weights, stay fixed). */
  seqInputs: number;
  f: (...xs: Tensor[]) => Tensor;
}

const L = 19;
const bhl = (d: number, seed: number): Data => randn([2, 2, L, d], seed);
const decay = (d: number): Data => uniform([2, 2, L, d], -1, 0, 5);
const scanCase = (
  name: string,
  dg: number,
  opts: { exclusive?: boolean; bonus?: boolean },
): SeqCase => ({
  name,
  inputs: [bhl(3, 1), bhl(3, 2), bhl(2, 3), decay(dg), randn([2, 3], 4)],
  axis: 2,
  seqInputs: 4,
  f: (q, k, v, g, u) =>
    ops.linearScan(q, k, v, g, {
      chunk: 8,
      exclusive: opts.exclusive ?? false,
      ...(opts.bonus ? { bonus: u } : {}),
    }),
});

const CASES: SeqCase[] = [
  {
    name: 'shift',
    inputs: [randn([2, L, 3], 1)],
    axis: 1,
    seqInputs: 1,
    f: (x) => ops.shift(x, 1),
  },
  {
    name: 'causalConv1d',
    inputs: [randn([2, L, 3], 1), randn([4, 3], 2), randn([3], 3)],
    axis: 1,
    seqInputs: 1,
    f: (x, w, b) => ops.causalConv1d(x, w, b),
  },
  { name: 'cumsum', inputs: [randn([2, L, 3], 1)], axis: 1, seqInputs: 1, f: (x) => ops.cumsum(x) },
  {
    name: 'causalAttention',
    inputs: [bhl(4, 1), bhl(4, 2), bhl(3, 3)],
    axis: 2,
    seqInputs: 3,
    f: (q, k, v) => ops.causalAttention(q, k, v),
  },
  scanCase('linearScan inclusive, scalar decay', 1, {}),
  scanCase('linearScan inclusive, channel decay', 3, {}),
  scanCase('linearScan exclusive, channel decay, bonus', 3, { exclusive: true, bonus: true }),
];

function evaluate(c: SeqCase, inputs: Data[]): Float32Array {
  return tf.tidy(() =>
    Float32Array.from(tt(c.f(...inputs.map((d) => ct(toTensor(d))))).dataSync()),
  );
}

/** Largest |a - b| over output positions <= t (`before`) and > t (after). */
function diffs(
  a: Float32Array,
  b: Float32Array,
  shape: number[],
  axis: number,
  t: number,
): [number, number] {
  const inner = shape.slice(axis + 1).reduce((p, n) => p * n, 1);
  const len = shape[axis];
  let before = 0;
  let after = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Math.floor(i / inner) % len > t) {
      after = Math.max(after, d);
    } else {
      before = Math.max(before, d);
    }
  }
  return [before, after];
}

for (const backend of ['cpu', 'wasm'] as const) {
  void test(`sequence ops are causal (${backend})`, async () => {
    await useBackend(backend);
    for (const c of CASES) {
      const y = evaluate(c, c.inputs);
      const shape = tf.tidy(() => tt(c.f(...c.inputs.map((d) => ct(toTensor(d))))).shape);
      for (const t of [0, 7, 8, 12, L - 3]) {
        const moved = c.inputs.map((d, i) => (i < c.seqInputs ? perturbAfter(d, c.axis, t) : d));
        const [before, after] = diffs(evaluate(c, moved), y, shape, c.axis, t);
        assert.equal(before, 0, `${c.name} (${backend}): output at <= ${t} moved by ${before}`);
        assert.ok(after > 1e-3, `${c.name} (${backend}): perturbing after ${t} changed nothing`);
      }
    }
  });
}
