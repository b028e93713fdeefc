// The fused wasm linearScan kernels (src/gab/ops/kernels/scan.c) against the cpu backend's
// chunked tfjs formulation: output and the gradients of q, k, v, logDecay and bonus, under both
// kernel builds, inclusive and exclusive, with and without bonus, per-channel and [.., 1] decay,
// on sizes off the vector width (L = 1, 5, 17, 64; Dk = 1, 3, 16; Dv = 2, 16, 20; B * H = 1, 6)
// and on strongly negative log-decays (the decay underflows to 0).
import { test } from 'node:test';
import { ops } from '../../src/gab/ops';
import { kernelBuild, useKernelBuild } from '../../src/gab/ops/kernels';
import type { Tensor } from '../../src/gab/contract';
import type { Data } from './helpers';
import { assertClose, evalWithGrads, uniform, useBackend } from './helpers';

/** [B, H, L, Dk, Dv] */
const SHAPES: [number, number, number, number, number][] = [
  [1, 1, 1, 1, 2],
  [2, 3, 5, 3, 20],
  [1, 1, 17, 16, 16],
  [2, 3, 64, 16, 2],
  [1, 6, 17, 3, 16],
  [3, 2, 64, 1, 20],
];

interface Mode {
  readonly exclusive: boolean;
  readonly bonus: boolean;
  readonly channel: boolean; // logDecay [.., Dk], else [.., 1]
}

const MODES: Mode[] = [false, true].flatMap((exclusive) =>
  [false, true].flatMap((bonus) => [false, true].map((channel) => ({ exclusive, bonus, channel }))),
);

function scan(mode: Mode, chunk: number): (...xs: Tensor[]) => Tensor {
  const opts = { exclusive: mode.exclusive, chunk };
  return mode.bonus
    ? (q, k, v, g, u) => ops.linearScan(q, k, v, g, { ...opts, bonus: u })
    : (q, k, v, g) => ops.linearScan(q, k, v, g, opts);
}

function inputs(shape: number[], mode: Mode, decay: [number, number], seed: number): Data[] {
  const [b, h, l, dk, dv] = shape as [number, number, number, number, number];
  const xs = [
    uniform([b, h, l, dk], -1, 1, seed),
    uniform([b, h, l, dk], -1, 1, seed + 1),
    uniform([b, h, l, dv], -1, 1, seed + 2),
    uniform([b, h, l, mode.channel ? dk : 1], decay[0], decay[1], seed + 3),
  ];
  return mode.bonus ? [...xs, uniform([h, dk], -1, 1, seed + 4)] : xs;
}

type Result = ReturnType<typeof evalWithGrads>;

/** The builds this engine can run: FMA needs relaxed SIMD. */
function builds(): ('simd' | 'fma')[] {
  try {
    useKernelBuild('fma');
    return ['simd', 'fma'];
  } catch {
    return ['simd']; // an engine without relaxed SIMD
  }
}

/**
 * Every (shape, mode) case on cpu once, then on wasm under each build. The kernel ignores
 * `chunk`; the cpu formulation runs with it.
 */
async function compareAll(
  decay: [number, number],
  shapes: number[][],
  chunk: number,
  tol: number,
): Promise<void> {
  const cases = shapes.flatMap((shape, i) =>
    MODES.map((mode, j) => ({ shape, mode, xs: inputs(shape, mode, decay, 100 * i + 10 * j) })),
  );
  await useBackend('cpu');
  const want: Result[] = cases.map((c) => evalWithGrads(scan(c.mode, chunk), c.xs));
  await useBackend('wasm');
  const initial = kernelBuild();
  try {
    for (const build of builds()) {
      useKernelBuild(build);
      cases.forEach((c, n) => {
        const got = evalWithGrads(scan(c.mode, chunk), c.xs);
        const at = `${build} [${c.shape.join(', ')}] ${JSON.stringify(c.mode)} decay ${decay[0]}`;
        assertClose(`y ${at}`, got.y, want[n].y, tol);
        ['dq', 'dk', 'dv', 'dlogDecay', 'dbonus'].slice(0, c.xs.length).forEach((name, i) => {
          assertClose(`${name} ${at}`, got.grads[i], want[n].grads[i], tol);
        });
      });
    }
  } finally {
    useKernelBuild(initial);
  }
}

void test('fused linearScan equals the tfjs formulation, forward and gradients, both builds', async () => {
  await compareAll([-2, 0], SHAPES, 4, 1e-5);
});

void test('fused linearScan on strongly negative log-decay: finite, decay underflows to 0', async () => {
  // chunk 1 for the cpu side: its within-chunk decays are differences of cumulative sums, which
  // at |sum| ~ 1e3 carry float32 rounding of ~1e-4 (the sequential kernel has no such sums)
  await compareAll([-30, -20], [SHAPES[1], SHAPES[3]], 1, 1e-5);
  await compareAll([-300, -200], [SHAPES[2]], 1, 1e-5);
});
