// One case per op (and a few per variant): inputs and the function to differentiate.
// Shared by the gradient and the cpu-vs-wasm tests.
import { ops } from '../../src/gab/ops';
import type { Tensor } from '../../src/gab/contract';
import { awayFromZero, randn, uniform, type Data, type OpFn } from './helpers';

export interface OpCase {
  readonly name: string;
  readonly inputs: Data[];
  readonly f: OpFn;
  /** Finite-difference tolerances, when the defaults do not fit. */
  readonly fd?: { eps?: number; rtol?: number; atol?: number };
}

const a34 = randn([3, 4], 1);
const b34 = randn([3, 4], 2);
const away = awayFromZero([3, 4], 3);
const pos = uniform([3, 4], 0.5, 1.5, 4);
const row4 = randn([4], 5);
const x3 = randn([2, 5, 6], 6); // [B, L, D]
const heads = randn([1, 2, 6, 4], 7); // [B, H, L, Dh]
const [s0, s1, s2] = [randn([1, 2, 6, 4], 8), randn([1, 2, 6, 4], 9), randn([1, 2, 6, 3], 10)];

const c = (name: string, inputs: Data[], f: OpFn, fd?: OpCase['fd']): OpCase =>
  fd ? { name, inputs, f, fd } : { name, inputs, f };
/** Binary op cases: same shapes, a broadcast row and a number operand. */
const binary = (
  name: string,
  g: (a: Tensor, b: Tensor | number) => Tensor,
  rhs: Data,
): OpCase[] => [
  c(name, [a34, rhs], (a, b) => g(a, b)),
  c(`${name} (broadcast)`, [a34, row4], (a, b) => g(a, b)),
  c(`${name} (number)`, [a34], (a) => g(a, 1.5)),
];

const scan = (exclusive: boolean, scalar: boolean, bonus: boolean, chunk = 4): OpCase => {
  const l = 7;
  const q = randn([1, 2, l, 3], 20);
  const k = randn([1, 2, l, 3], 21);
  const v = randn([1, 2, l, 2], 22);
  const g = uniform([1, 2, l, scalar ? 1 : 3], -1, -0.05, 23);
  const u = randn([2, 3], 24);
  const name = `linearScan (${exclusive ? 'exclusive' : 'inclusive'}, ${scalar ? 'scalar' : 'channel'} decay${bonus ? ', bonus' : ''})`;
  return bonus
    ? c(name, [q, k, v, g, u], (a, b, d, e, f) =>
        ops.linearScan(a, b, d, e, { exclusive, chunk, bonus: f }),
      )
    : c(name, [q, k, v, g], (a, b, d, e) => ops.linearScan(a, b, d, e, { exclusive, chunk }));
};

export const CASES: OpCase[] = [
  ...binary('add', (a, b) => ops.add(a, b), b34),
  ...binary('sub', (a, b) => ops.sub(a, b), b34),
  ...binary('mul', (a, b) => ops.mul(a, b), b34),
  c('div', [a34, pos], (a, b) => ops.div(a, b)),
  c('div (number)', [a34], (a) => ops.div(a, 3)),
  c('maximum', [away, b34], (a, b) => ops.maximum(a, ops.add(ops.mul(b, 0.01), ops.neg(a)))),
  c('minimum', [away, b34], (a, b) => ops.minimum(a, ops.add(ops.mul(b, 0.01), ops.neg(a)))),
  c('maximum (number)', [away], (a) => ops.maximum(a, 0)),
  c('neg', [a34], (a) => ops.neg(a)),
  c('exp', [a34], (a) => ops.exp(a)),
  c('log', [pos], (a) => ops.log(a)),
  c('sqrt', [pos], (a) => ops.sqrt(a)),
  c('rsqrt', [pos], (a) => ops.rsqrt(a)),
  c('square', [a34], (a) => ops.square(a)),
  c('abs', [away], (a) => ops.abs(a)),
  c('clamp', [away], (a) => ops.clamp(ops.mul(a, 2), -1, 1)),
  c('tanh', [a34], (a) => ops.tanh(a)),
  c('sigmoid', [a34], (a) => ops.sigmoid(a)),
  c('silu', [a34], (a) => ops.silu(a)),
  c('gelu', [a34], (a) => ops.gelu(a)),
  c('relu', [away], (a) => ops.relu(a)),
  c('softplus', [a34], (a) => ops.softplus(ops.mul(a, 5))),
  c('logSigmoid', [a34], (a) => ops.logSigmoid(ops.mul(a, 5))),
  c('sum', [x3], (a) => ops.sum(a, 1)),
  c('sum (keepDims, -1)', [x3], (a) => ops.sum(a, -1, true)),
  c('mean', [x3], (a) => ops.mean(a, -2)),
  c('softmax', [x3], (a) => ops.softmax(a)),
  c('softmax (axis 1)', [x3], (a) => ops.softmax(a, 1)),
  c('reshape', [x3], (a) => ops.reshape(a, [-1, 3])),
  c('transpose', [x3], (a) => ops.transpose(a, [2, 0, 1])),
  c('concat', [x3, x3], (a, b) => ops.concat([a, ops.mul(b, 2)], 1)),
  c('split', [x3], (a) => {
    const [p, q] = ops.split(a, [2, 4], -1);
    return ops.concat([ops.mul(q, 2), p], 2);
  }),
  c('slice', [x3], (a) => ops.slice(a, [0, 1, 2], [-1, 3, 2])),
  c('tile', [a34], (a) => ops.tile(a, [2, 1])),
  c('full, tril, positions', [a34], (a) =>
    ops.add(
      ops.mul(ops.add(a, ops.full([3, 4], 2)), ops.slice(ops.tril(4, true), [0, 0], [3, 4])),
      ops.positions(4),
    ),
  ),
  c('linear', [x3, randn([6, 5], 11), randn([5], 12)], (x, w, b) => ops.linear(x, w, b)),
  c('linear (no bias)', [x3, randn([6, 5], 11)], (x, w) => ops.linear(x, w)),
  c('matmul (3-D)', [randn([2, 3, 4], 13), randn([2, 4, 5], 14)], (a, b) => ops.matmul(a, b)),
  c('matmul (4-D, transposeB)', [heads, s0], (a, b) => ops.matmul(a, b, true)),
  c('matmul (batch 1, transposeB)', [randn([1, 3, 4], 13), randn([1, 5, 4], 14)], (a, b) =>
    ops.matmul(a, b, true),
  ),
  // 2^20 multiply-adds per product: wasm loops over 2-D products
  c('matmul (large, transposeB)', [randn([2, 128, 64], 26), randn([2, 128, 64], 27)], (a, b) =>
    ops.matmul(a, b, true),
  ),
  c('matmul (one shared b)', [randn([2, 3, 4], 13), randn([4, 5], 14)], (a, b) => ops.matmul(a, b)),
  c('matmul (one shared b, transposeB)', [randn([2, 2, 3, 4], 13), randn([1, 5, 4], 14)], (a, b) =>
    ops.matmul(a, b, true),
  ),
  c('matmul (broadcast)', [randn([1, 3, 4], 13), randn([2, 1, 4, 5], 14)], (a, b) =>
    ops.matmul(a, b),
  ),
  c('rmsNorm', [x3, randn([6], 15)], (x, w) => ops.rmsNorm(x, w)),
  c('layerNorm', [x3, randn([6], 15), randn([6], 16)], (x, w, b) => ops.layerNorm(x, w, b)),
  c('groupNorm', [x3, randn([6], 15), randn([6], 16)], (x, w, b) => ops.groupNorm(x, 2, w, b)),
  c('splitHeads', [x3], (x) => ops.splitHeads(x, 3)),
  c('mergeHeads', [heads], (x) => ops.mergeHeads(x)),
  c('rotary', [heads], (x) => ops.rotary(x)),
  c('causalAttention', [s0, s1, s2], (q, k, v) => ops.causalAttention(q, k, v)),
  c('shift', [x3], (x) => ops.shift(x, 2)),
  c('causalConv1d', [x3, randn([3, 6], 17), randn([6], 18)], (x, w, b) =>
    ops.causalConv1d(x, w, b),
  ),
  c('causalConv1d (no bias)', [x3, randn([4, 6], 17)], (x, w) => ops.causalConv1d(x, w)),
  c('cumsum', [x3], (x) => ops.cumsum(x)),
  c('cumsum (2-D)', [randn([2, 5], 25)], (x) => ops.cumsum(x)),
  c('cumsum (4-D)', [randn([2, 5, 2, 3], 19)], (x) => ops.cumsum(x)),
  scan(false, true, false),
  scan(false, false, false),
  scan(true, true, false),
  scan(true, false, false),
  scan(true, false, true),
  scan(true, true, true, 16),
];
