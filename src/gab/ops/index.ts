// The curated ops behind `ops` in 'blocksmith/gab' (contract: ../contract.d.ts). Each has a
// gradient and runs on every registered backend (cpu, wasm); see the module of each group.
import type { Ops } from '../contract';
import * as el from './elementwise';
import { ensureGradients } from '../../backend/gradients';
import { linear, matmul } from './linalg';
import { groupNorm, layerNorm, rmsNorm } from './norm';
import { linearScan } from './scan';
import {
  causalAttention,
  causalConv1d,
  cumsum,
  mergeHeads,
  rotary,
  shift,
  splitHeads,
} from './sequence';
import * as sh from './shape';
import { shareIdentityOnWasm } from './wasm-kernels';

ensureGradients();
shareIdentityOnWasm();

export const ops: Ops = {
  add: el.add,
  sub: el.sub,
  mul: el.mul,
  div: el.div,
  maximum: el.maximum,
  minimum: el.minimum,
  neg: el.neg,
  exp: el.exp,
  log: el.log,
  sqrt: el.sqrt,
  rsqrt: el.rsqrt,
  square: el.square,
  abs: el.abs,
  clamp: el.clamp,
  tanh: el.tanh,
  sigmoid: el.sigmoid,
  silu: el.silu,
  gelu: el.gelu,
  relu: el.relu,
  softplus: el.softplus,
  logSigmoid: el.logSigmoid,
  sum: el.sum,
  mean: el.mean,
  softmax: el.softmax,
  reshape: sh.reshape,
  transpose: sh.transpose,
  concat: sh.concat,
  split: sh.split,
  slice: sh.slice,
  tile: sh.tile,
  full: sh.full,
  tril: sh.tril,
  positions: sh.positions,
  linear,
  matmul,
  rmsNorm,
  layerNorm,
  groupNorm,
  splitHeads,
  mergeHeads,
  rotary,
  causalAttention,
  shift,
  causalConv1d,
  cumsum,
  linearScan,
};
