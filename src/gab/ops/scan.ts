// linearScan: the linear recurrence S_t = diag(exp(g_t)) S_{t-1} + k_t^T v_t, y_t = q_t S_t (or
// q_t S_{t-1} when exclusive, plus RWKV's bonus term). On the wasm backend one fused kernel runs
// the recurrence step by step, forward and backward (kernels/scan.c: the state stays in scratch;
// the forward saves the state every 16 steps and the backward recomputes the states between, so
// no [L, Dk, Dv] tensor is kept for the gradient); elsewhere the chunked tfjs formulation in
// scan-intra.ts. Both give the same values and gradients (test/gab/scan-kernel.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '../contract';
import { addressOf, moduleOn, onWasm, output, withScratch } from './kernels';
import { defineKernel, runKernel } from './rowwise';
import { chunkedScan } from './scan-intra';
import { check, requireRank, t } from './util';

export interface ScanOptions {
  readonly exclusive?: boolean;
  readonly bonus?: Tensor;
  readonly chunk?: number;
}

function validate(q: Tensor, k: Tensor, v: Tensor, g: Tensor, bonus?: Tensor): void {
  for (const [name, x] of [
    ['q', q],
    ['k', k],
    ['v', v],
    ['logDecay', g],
  ] as const) {
    requireRank('linearScan', name, x, 4);
  }
  const [b, h, l, dk] = q.shape as [number, number, number, number];
  const lead = (x: Tensor): boolean => x.shape[0] === b && x.shape[1] === h && x.shape[2] === l;
  const dg = g.shape[3];
  check(
    lead(k) && lead(v) && lead(g) && k.shape[3] === dk && (dg === 1 || dg === dk),
    'linearScan',
    `expected q, k [B, H, L, Dk], v [B, H, L, Dv], logDecay [B, H, L, Dk or 1]; got q [${q.shape.join(', ')}], ` +
      `k [${k.shape.join(', ')}], v [${v.shape.join(', ')}], logDecay [${g.shape.join(', ')}]`,
  );
  check(
    bonus === undefined || (bonus.rank === 2 && bonus.shape[0] === h && bonus.shape[1] === dk),
    'linearScan',
    `bonus must be [${h}, ${dk}], got [${bonus?.shape.join(', ') ?? ''}]`,
  );
}

type Info = tf.TensorInfo;
type Attrs = Record<string, number | number[]>;
type Io = { inputs: Record<string, Info>; attrs: Attrs; backend: unknown };

const F32 = 4; // bytes a float
/** Steps between the forward's saved states: CHUNK in kernels/scan.c. */
const CHECKPOINT = 16;
const up4 = (n: number): number => Math.ceil(n / 4) * 4;
const NAMES = ['q', 'k', 'v', 'w', 'u'] as const;

/** Sizes the kernels take: groups G = B * H, heads, L, Dk, Dv, Dw (Dk or 1). */
function dims(q: Info, v: Info, w: Info): number[] {
  const [b, h, l, dk] = q.shape as [number, number, number, number];
  return [b * h, h, l, dk, v.shape[3], w.shape[3]];
}

/** y [B, H, L, Dv] and the checkpoints [G * ceil(L / 16) * Dkp * Dvp] (flat, padded states). */
function forwardKernel({ inputs, attrs, backend }: Io): Info[] {
  const { q, k, v, w } = inputs;
  const u = inputs.u as Info | undefined; // the bonus, given or not
  const [g, h, l, dk, dv, dw] = dims(q, v, w);
  const y = output(backend, [...v.shape]);
  const ck = output(backend, [g * Math.ceil(l / CHECKPOINT) * up4(dk) * up4(dv)]);
  const at = (x: Info | undefined): number => (x ? addressOf(backend, x) : 0);
  // scratch layout in scan.c: the state [Dkp, Dvp], 5 rows of Dkp, 2 of Dvp
  const bytes = F32 * (up4(dk) * up4(dv) + 5 * up4(dk) + 2 * up4(dv));
  withScratch(backend, bytes, (s) => {
    moduleOn(backend, 'scan').scan_forward(
      ...[at(q), at(k), at(v), at(w), at(u), y.at, ck.at],
      ...[g, h, l, dk, dv, dw, attrs.exclusive as number, u ? 1 : 0, s],
    );
  });
  return [y.info, ck.info];
}

/** dq, dk, dv, dlogDecay (and dbonus with u) from the inputs, the checkpoints ck and dy. */
function backwardKernel({ inputs, attrs, backend }: Io): Info[] {
  const { q, k, v, w, ck, dy } = inputs;
  const u = inputs.u as Info | undefined; // the bonus, given or not
  const [g, h, l, dk, dv, dw] = dims(q, v, w);
  const outs = [q, k, v, w, ...(u ? [u] : [])].map((x) => output(backend, [...x.shape]));
  const at = (x: Info | undefined): number => (x ? addressOf(backend, x) : 0);
  // scratch layout in scan.c: CHECKPOINT states and G [Dkp, Dvp], decays and rows
  const bytes =
    F32 * ((CHECKPOINT + 1) * up4(dk) * up4(dv) + (CHECKPOINT + 21) * up4(dk) + 4 * up4(dv));
  withScratch(backend, bytes, (s) => {
    moduleOn(backend, 'scan').scan_backward(
      ...[at(q), at(k), at(v), at(w), at(u), at(ck), at(dy)],
      ...[outs[0].at, outs[1].at, outs[2].at, outs[3].at, outs[4]?.at ?? 0],
      ...[g, h, l, dk, dv, dw, attrs.exclusive as number, u ? 1 : 0, s],
    );
  });
  return outs.map((o) => o.info);
}

type ScanFn = (...xs: tf.Tensor[]) => tf.Tensor;
const byMode = new Map<number, ScanFn>();

/**
 * The fused scan for one `exclusive` (0 or 1) with its exact gradient: xs = q, k, v, logDecay
 * and optionally the bonus. The forward saves its inputs and the checkpoints (~Dk Dv / 16 floats
 * a step and group), nothing of size L Dk Dv.
 */
function fusedScan(exclusive: number): ScanFn {
  let f = byMode.get(exclusive);
  if (f) {
    return f;
  }
  defineKernel('BlocksmithScan', forwardKernel);
  defineKernel('BlocksmithScanGrad', backwardKernel);
  const attrs = { exclusive };
  const cg = tf.customGrad(((...args: tf.Tensor[]) => {
    const save = args.pop() as unknown as tf.GradSaveFunc; // the inputs remain in args
    const xs = args;
    const ins = Object.fromEntries(xs.map((x, i) => [NAMES[i], x]));
    const [y, ck] = runKernel('BlocksmithScan', ins, attrs) as tf.Tensor[];
    save([...xs, ck]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const grad = Object.fromEntries(saved.slice(0, -1).map((x, i) => [NAMES[i], x]));
        const all = { ...grad, ck: saved[saved.length - 1], dy };
        return runKernel('BlocksmithScanGrad', all, attrs) as tf.Tensor[];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]);
  f = (...xs) => cg(...xs);
  byMode.set(exclusive, f);
  return f;
}

/** The contract's ops.linearScan (src/gab/contract.d.ts): y [B, H, L, Dv]. */
export function linearScan(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  logDecay: Tensor,
  opts: ScanOptions = {},
): Tensor {
  validate(q, k, v, logDecay, opts.bonus);
  const c = opts.chunk ?? 16;
  check(Number.isInteger(c) && c > 0, 'linearScan', `chunk must be a positive integer, got ${c}`);
  const xs = [q, k, v, logDecay, ...(opts.bonus ? [opts.bonus] : [])].map(t);
  if (!onWasm(...xs)) {
    return chunkedScan(q, k, v, logDecay, opts, c);
  }
  return fusedScan(opts.exclusive === true ? 1 : 0)(...xs);
}
