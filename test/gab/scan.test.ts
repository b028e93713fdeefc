// linearScan against a naive sequential recurrence written with plain loops (float64).
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ops } from '../../src/gab/ops';
import { assertClose, ct, randn, toTensor, tt, uniform, useBackend, type Data } from './helpers';

interface ScanInput {
  q: Data;
  k: Data;
  v: Data;
  g: Data;
  bonus?: Data;
}

/** S_t = diag(exp(g_t)) S_{t-1} + k_t^T v_t; y_t = q_t S_t (inclusive) or q_t S_{t-1} (+ bonus term). */
function reference(x: ScanInput, exclusive: boolean): Float32Array {
  const [b, h, l, dk] = x.q.shape as [number, number, number, number];
  const dv = x.v.shape[3];
  const dg = x.g.shape[3];
  const y = new Float32Array(b * h * l * dv);
  for (let bh = 0; bh < b * h; bh++) {
    const s = Array.from({ length: dk }, () => new Float64Array(dv));
    for (let t = 0; t < l; t++) {
      const at = (d: Data, width: number, i: number): number => d.values[(bh * l + t) * width + i];
      const read = (): void => {
        for (let j = 0; j < dv; j++) {
          let acc = 0;
          for (let i = 0; i < dk; i++) {
            acc += at(x.q, dk, i) * s[i][j];
          }
          y[(bh * l + t) * dv + j] += acc;
        }
      };
      if (exclusive) {
        read();
      }
      for (let i = 0; i < dk; i++) {
        const decay = Math.exp(at(x.g, dg, dg === 1 ? 0 : i));
        for (let j = 0; j < dv; j++) {
          s[i][j] = decay * s[i][j] + at(x.k, dk, i) * at(x.v, dv, j);
        }
      }
      if (!exclusive) {
        read();
      }
      if (x.bonus) {
        let w = 0;
        for (let i = 0; i < dk; i++) {
          w += at(x.q, dk, i) * x.bonus.values[(bh % h) * dk + i] * at(x.k, dk, i);
        }
        for (let j = 0; j < dv; j++) {
          y[(bh * l + t) * dv + j] += w * at(x.v, dv, j);
        }
      }
    }
  }
  return y;
}

function input(l: number, dg: number, bonus: boolean, seed: number): ScanInput {
  const [b, h, dk, dv] = [2, 3, 4, 5];
  const x: ScanInput = {
    q: randn([b, h, l, dk], seed),
    k: randn([b, h, l, dk], seed + 1),
    v: randn([b, h, l, dv], seed + 2),
    g: uniform([b, h, l, dg], -2, 0, seed + 3),
  };
  if (bonus) {
    x.bonus = randn([h, dk], seed + 4);
  }
  return x;
}

function run(x: ScanInput, exclusive: boolean, chunk: number): Float32Array {
  return tf.tidy(() => {
    const y = ops.linearScan(
      ct(toTensor(x.q)),
      ct(toTensor(x.k)),
      ct(toTensor(x.v)),
      ct(toTensor(x.g)),
      {
        exclusive,
        chunk,
        ...(x.bonus ? { bonus: ct(toTensor(x.bonus)) } : {}),
      },
    );
    return Float32Array.from(tt(y).dataSync());
  });
}

const variants: [string, number, number, boolean, boolean, number][] = [
  // name, L, Dg, exclusive, bonus, chunk
  ['inclusive, scalar decay, L = 2 chunks', 32, 1, false, false, 16],
  ['inclusive, channel decay, L not a multiple of C', 37, 4, false, false, 16],
  ['exclusive, channel decay, L not a multiple of C', 37, 4, true, false, 16],
  ['exclusive, scalar decay, small chunks', 23, 1, true, false, 4],
  ['exclusive, channel decay, bonus', 29, 4, true, true, 8],
  ['exclusive, scalar decay, bonus, one chunk longer than L', 11, 1, true, true, 16],
  ['inclusive, channel decay, chunk 1', 9, 4, false, false, 1],
];

for (const backend of ['cpu', 'wasm'] as const) {
  void test(`linearScan matches the sequential reference (${backend})`, async () => {
    await useBackend(backend);
    variants.forEach(([name, l, dg, exclusive, bonus, chunk], i) => {
      const x = input(l, dg, bonus, 100 + 10 * i);
      assertClose(`${name} (${backend})`, run(x, exclusive, chunk), reference(x, exclusive), 1e-4);
    });
  });
}

void test('linearScan stays finite under strong decay', async () => {
  await useBackend('wasm');
  const x = input(40, 4, false, 7);
  x.g = uniform(x.g.shape, -60, -20, 8);
  assertClose('strong decay', run(x, true, 16), reference(x, true), 1e-4);
});
