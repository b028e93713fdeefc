// AdamW against a plain-JS reference (PyTorch's AdamW step with clip_grad_norm_), the schedule's
// shape, and the export/import round trip that checkpoints rely on.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { mulberry32 } from '../../src/gab/rng';
import { AdamW, defaultOptim, lrAt, OptimError, type OptimConfig } from '../../src/train/optim';

before(async () => {
  await initBackend('cpu');
});

const CFG: OptimConfig = { ...defaultOptim({ d: 48 }), lr: 0.05, clipNorm: 1.0 };
const SHAPES: Record<string, number[]> = { 'a/w': [3, 4], 'a/norm': [4], 'b/w': [2, 2] };

interface Ref {
  p: Record<string, number[]>;
  m: Record<string, number[]>;
  v: Record<string, number[]>;
  t: number;
}

/** One reference AdamW step in float64, written from the PyTorch docs. */
function refStep(s: Ref, grads: Record<string, number[]>, lr: number, cfg: OptimConfig): void {
  const all = Object.values(grads).flat();
  const norm = Math.sqrt(all.reduce((a, g) => a + g * g, 0));
  const scale = norm > cfg.clipNorm ? cfg.clipNorm / (norm + 1e-6) : 1;
  s.t += 1;
  const bc1 = 1 - cfg.beta1 ** s.t;
  const bc2 = 1 - cfg.beta2 ** s.t;
  for (const [k, gs] of Object.entries(grads)) {
    const decay = SHAPES[k].length > 1 ? lr * cfg.weightDecay : 0;
    const p = s.p[k];
    const m = (s.m[k] ??= gs.map(() => 0));
    const v = (s.v[k] ??= gs.map(() => 0));
    gs.forEach((g0, i) => {
      const g = g0 * scale;
      m[i] = cfg.beta1 * m[i] + (1 - cfg.beta1) * g;
      v[i] = cfg.beta2 * v[i] + (1 - cfg.beta2) * g * g;
      const denom = Math.sqrt(v[i]) / Math.sqrt(bc2) + cfg.eps;
      p[i] = p[i] * (1 - decay) - (lr / bc1) * (m[i] / denom);
    });
  }
}

function randomValues(rand: () => number, shape: number[], amp: number): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, () => (rand() * 2 - 1) * amp);
}

function makeVars(init: Record<string, number[]>): Map<string, tf.Variable> {
  const vars = new Map<string, tf.Variable>();
  for (const [k, vals] of Object.entries(init)) {
    vars.set(k, tf.variable(tf.tensor(vals, SHAPES[k]), true));
  }
  return vars;
}

/** Gradients of step i: large enough in some steps that clipping is exercised. */
function gradsAt(i: number): Record<string, number[]> {
  const rand = mulberry32(100 + i);
  const amp = i % 2 === 0 ? 2 : 0.05;
  return Object.fromEntries(
    Object.entries(SHAPES).map(([k, s]) => [k, randomValues(rand, s, amp)]),
  );
}

function applyTf(opt: AdamW, grads: Record<string, number[]>, lr: number): number {
  const map = new Map(Object.entries(grads).map(([k, g]) => [k, tf.tensor(g, SHAPES[k])]));
  try {
    return opt.apply(map, lr).gradNorm;
  } finally {
    map.forEach((g) => {
      g.dispose();
    });
  }
}

const INIT = (() => {
  const rand = mulberry32(7);
  return Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => [k, randomValues(rand, s, 1)]));
})();

void test('AdamW matches the plain-JS reference within 1e-6 over 6 steps (clipping, decay, 1-D skip)', () => {
  const vars = makeVars(INIT);
  const opt = new AdamW(vars, CFG);
  const ref: Ref = { p: structuredClone(INIT), m: {}, v: {}, t: 0 };
  let clipped = 0;
  for (let i = 0; i < 6; i++) {
    const lr = lrAt(i, 6, CFG);
    const g = gradsAt(i);
    const norm = applyTf(opt, g, lr);
    clipped += norm > CFG.clipNorm ? 1 : 0;
    refStep(ref, g, lr, CFG);
  }
  assert.ok(clipped >= 2 && clipped < 6, `clipping exercised in ${clipped} of 6 steps`);
  for (const [k, v] of vars) {
    const got = v.dataSync();
    ref.p[k].forEach((want, i) => {
      assert.ok(Math.abs(got[i] - want) < 1e-6, `${k}[${i}]: ${got[i]} vs ${want}`);
    });
    v.dispose();
  }
  opt.dispose();
});

void test('weight decay alone shrinks matrices and leaves 1-D parameters alone', () => {
  const vars = makeVars(INIT);
  const opt = new AdamW(vars, { ...CFG, weightDecay: 0.5 });
  const zeros = Object.fromEntries(
    Object.entries(SHAPES).map(([k, s]) => [k, randomValues(() => 0.5, s, 1)]),
  );
  applyTf(opt, zeros, 0.1);
  assert.ok(Math.abs(vars.get('a/w')!.dataSync()[0] - INIT['a/w'][0] * 0.95) < 1e-6);
  assert.ok(Math.abs(vars.get('a/norm')!.dataSync()[0] - INIT['a/norm'][0]) < 1e-6);
  vars.forEach((v) => {
    v.dispose();
  });
  opt.dispose();
});

void test('schedule: linear warm-up to the peak, cosine down to the floor, then flat', () => {
  const cfg = { lr: 1e-3, minLrRatio: 0.1, warmupFrac: 0.1 };
  const total = 100;
  assert.ok(Math.abs(lrAt(0, total, cfg) - 1e-4) < 1e-12);
  assert.ok(Math.abs(lrAt(4, total, cfg) - 5e-4) < 1e-12);
  assert.ok(Math.abs(lrAt(10, total, cfg) - 1e-3) < 1e-12, 'peak right after warm-up');
  assert.ok(Math.abs(lrAt(99, total, cfg) - 1e-4) < 1e-12, 'floor at the last step');
  assert.ok(Math.abs(lrAt(500, total, cfg) - 1e-4) < 1e-12, 'floor after the end');
  const mid = lrAt(Math.round(10 + 89 / 2), total, cfg);
  assert.ok(Math.abs(mid - 5.5e-4) < 2e-5, `half-way is the mean of peak and floor: ${mid}`);
  for (let s = 1; s < total; s++) {
    const [a, b] = [lrAt(s - 1, total, cfg), lrAt(s, total, cfg)];
    assert.ok(s < 10 ? b > a : b <= a, `monotone pieces at step ${s}`);
  }
});

void test('export/import round trip: continuing after import equals continuing without', () => {
  const a = makeVars(INIT);
  const optA = new AdamW(a, CFG);
  for (let i = 0; i < 3; i++) {
    // inside a caller's tidy (as a trainer step runs it): the moments must outlive it
    tf.tidy(() => {
      applyTf(optA, gradsAt(i), 0.01);
    });
  }
  const state = optA.exportState();
  const params = Object.fromEntries([...a].map(([k, v]) => [k, Array.from(v.dataSync())]));
  const b = makeVars(params);
  const optB = new AdamW(b, CFG);
  optB.importState(JSON.parse(JSON.stringify(serialise(state)), revive) as typeof state);
  for (let i = 3; i < 6; i++) {
    applyTf(optA, gradsAt(i), 0.01);
    applyTf(optB, gradsAt(i), 0.01);
  }
  assert.equal(optB.step, 6);
  for (const [k, v] of a) {
    assert.deepEqual(Array.from(b.get(k)!.dataSync()), Array.from(v.dataSync()), k);
  }
  assert.throws(() => {
    optB.importState({ t: 1, m: { 'a/w': new Float32Array(5) }, v: {} });
  }, OptimError);
  [...a.values(), ...b.values()].forEach((v) => {
    v.dispose();
  });
  optA.dispose();
  optB.dispose();
});

/** Float32Arrays through JSON, as a checkpoint file would carry them. */
function serialise(s: {
  t: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}) {
  const arr = (r: Record<string, Float32Array>) =>
    Object.fromEntries(Object.entries(r).map(([k, x]) => [k, { f32: Array.from(x) }]));
  return { t: s.t, m: arr(s.m), v: arr(s.v) };
}
function revive(_key: string, value: unknown): unknown {
  return value !== null && typeof value === 'object' && 'f32' in value
    ? Float32Array.from((value as { f32: number[] }).f32)
    : value;
}
