// Synthetic but realistic dashboard data, seeded: a Genesys-like evolution tree (five seeds, then
// mutations of one parent, crossovers of two, a few designs from scratch), leaderboards that
// narrow by a quarter per rung, and loss curves that fall like real runs with noise.

/** mulberry32: a small seeded PRNG, so every run of the tests sees the same data. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = ['gpt', 'mamba2', 'retnet', 'rwkv6', 'ttt'];
const UNITS = ['Attention', 'Mlp', 'Norm', 'Mixer', 'Gate', 'Scan', 'Retention', 'TokenShift'];
const STATUSES = [
  ['trained', 0.45],
  ['verified', 0.2],
  ['rejected', 0.1],
  ['invalid', 0.1],
  ['pending-review', 0.08],
  ['failed', 0.07],
];

function pickStatus(r) {
  let x = r();
  for (const [s, p] of STATUSES) {
    if ((x -= p) < 0) {
      return s;
    }
  }
  return 'verified';
}

/** `n` designs: ids gen-<k>, parents chosen among earlier designs, recent ones more often. */
export function makeDesigns(n, seed = 1) {
  const r = rng(seed);
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const out = [];
  for (let i = 0; i < n; i++) {
    const createdAt = new Date(t0 + i * 60_000).toISOString();
    if (i < SEEDS.length) {
      out.push({
        id: SEEDS[i],
        parents: [],
        operator: 'seed',
        status: 'trained',
        createdAt,
        fitness: 0.9 + 0.1 * r(),
        rung: '50k',
      });
      continue;
    }
    const pick = () => out[Math.floor(out.length * (1 - r() * r()))].id;
    const x = r();
    const operator = x < 0.78 ? 'mutate' : x < 0.95 ? 'crossover' : 'scratch';
    const parents =
      operator === 'mutate'
        ? [pick()]
        : operator === 'crossover'
          ? [...new Set([pick(), pick()])]
          : [];
    const status = pickStatus(r);
    const d = { id: `gen-${String(i).padStart(4, '0')}`, parents, operator, status, createdAt };
    if (operator === 'mutate') {
      d.unit = UNITS[Math.floor(r() * UNITS.length)];
    }
    d.summary = `${operator} ${d.unit ?? ''}: try a ${['gated', 'chunked', 'low-rank', 'multi-scale'][i % 4]} variant`;
    if (status === 'trained') {
      d.fitness = 0.7 + 0.6 * r();
      d.rung = r() < 0.25 ? (r() < 0.25 ? '1M' : '250k') : '50k';
    }
    out.push(d);
  }
  return out;
}

/** Leaderboards of 50k, 250k and 1M from the trained designs (each rung a quarter of the one below). */
export function makeLeaderboards(designs, seed = 2) {
  const r = rng(seed);
  const trained = designs
    .filter((d) => d.fitness !== undefined)
    .sort((a, b) => b.fitness - a.fitness);
  const rungs = ['50k', '250k', '1M'];
  return rungs.map((rung, k) => ({
    rung,
    rows: trained.slice(0, Math.max(1, Math.ceil(trained.length / 4 ** k))).map((d) => ({
      id: d.id,
      fitness: d.fitness,
      valLoss: 2.2 + (1.3 - d.fitness) * 1.5 - k * 0.2,
      bitsPerByte: (2.2 + (1.3 - d.fitness) * 1.5 - k * 0.2) / Math.LN2,
      probes: { mqar: r(), induction: r(), 'selective-copy': r() },
      tokensPerSec: 2000 + 6000 * r(),
    })),
  }));
}

/** One run's points from step `from` (exclusive) to `to`: tokens and a noisy falling loss. */
export function curvePoints(r, from, to, total, tokensPerStep = 512, floor = 2.1) {
  const tokens = [];
  const loss = [];
  for (let i = from + 1; i <= to; i++) {
    tokens.push(i * tokensPerStep);
    loss.push(floor + 3.4 * Math.exp((-4 * i) / total) + 0.08 * (r() - 0.5));
  }
  return { tokens, loss };
}

/** `runs` runs of `points` points each at rung 50k: 90% train points, 10% validation points. */
export function makeCurves(designs, runs, points, seed = 3) {
  const r = rng(seed);
  const trained = designs.filter((d) => d.fitness !== undefined);
  const out = [];
  for (let k = 0; k < runs; k++) {
    const d = trained[k % trained.length] ?? designs[k % designs.length];
    const design = d.id;
    const floor = 2.2 + (1.3 - (d.fitness ?? 1)) * 1.5;
    const nTrain = Math.round(points * 0.9);
    const nVal = points - nTrain;
    const tr = curvePoints(r, 0, nTrain, nTrain, 512, floor - 0.05);
    out.push({ key: `${design}@50k:train`, design, rung: '50k', kind: 'train', ...tr });
    const stride = nTrain / Math.max(1, nVal);
    const v = curvePoints(r, 0, nVal, nVal, 512 * stride, floor);
    out.push({ key: `${design}@50k:val`, design, rung: '50k', kind: 'val', ...v });
  }
  return out;
}

export function makeSpending(designs) {
  const byDesign = {};
  let tokens = 0;
  let usd = 0;
  for (const d of designs.slice(5, 60)) {
    const c = {
      tokens: 3000 + ((d.id.length * 7919) % 5000),
      usd: 0.01 + ((d.id.length * 31) % 10) / 500,
    };
    byDesign[d.id] = c;
    tokens += c.tokens;
    usd += c.usd;
  }
  return { tokens, usd, maxTokens: 1_000_000, maxUsd: 5, byDesign };
}

/** A whole snapshot message. */
export function makeSnapshot({ designs = 40, runs = 6, points = 200, training = null } = {}) {
  const ds = makeDesigns(designs);
  return {
    type: 'snapshot',
    workspace: '/tmp/demo',
    designs: ds,
    leaderboards: makeLeaderboards(ds),
    curves: makeCurves(ds, runs, points),
    spending: makeSpending(ds),
    training,
  };
}
