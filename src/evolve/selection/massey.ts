// Massey ranking, as Genesys ranks its designs: every pair of designs scored on the same criterion
// (the fitness at one rung, the reviewer's rating) plays a "game" whose margin is the difference
// of their scores; the ratings r solve M r = p (M: games played, p: margins summed), the least-
// squares fit of r_i - r_j to every margin, each game counted by its criterion's weight. Scores
// of all criteria must be on one scale (the caller brings them there). A small ridge keeps M
// invertible when the designs fall into groups that never met.

/** One criterion: each design's score on it (absent: not scored), and its weight. */
export interface Criterion {
  readonly scores: ReadonlyMap<string, number>;
  readonly weight: number;
}

/** Standard deviation of `xs` (0 for fewer than two values). */
export function spread(xs: readonly number[]): number {
  if (xs.length < 2) {
    return 0;
  }
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
}

/** One criterion's scored designs (their indices) and its weight. */
interface Clique {
  readonly idx: Int32Array;
  readonly w: number;
}

/**
 * M r without forming M: every pair in a criterion's clique of k designs adds w to both
 * diagonals and -w off them, so (M r)_i = w (k r_i - sum of r over the clique). O(sum of k).
 */
function apply(
  cliques: readonly Clique[],
  ridge: number,
  r: Float64Array,
  out: Float64Array,
): void {
  for (let i = 0; i < r.length; i++) {
    out[i] = ridge * r[i];
  }
  for (const { idx, w } of cliques) {
    let sum = 0;
    for (const i of idx) {
      sum += r[i];
    }
    for (const i of idx) {
      out[i] += w * (idx.length * r[i] - sum);
    }
  }
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i] * b[i];
  }
  return s;
};

/**
 * Conjugate gradients on M r = p (M is symmetric positive definite with the ridge). M is a sum of
 * a few clique Laplacians, so it has few distinct eigenvalues and CG ends in a few iterations:
 * 1,000 designs rank in milliseconds where a dense solve took seconds.
 */
function solveCg(cliques: readonly Clique[], ridge: number, p: Float64Array): Float64Array {
  const n = p.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(p);
  const d = Float64Array.from(p);
  const md = new Float64Array(n);
  let rr = dot(r, r);
  const stop = 1e-24 * Math.max(1, rr);
  for (let it = 0; it < 4 * n + 20 && rr > stop; it++) {
    apply(cliques, ridge, d, md);
    const alpha = rr / dot(d, md);
    for (let i = 0; i < n; i++) {
      x[i] += alpha * d[i];
      r[i] -= alpha * md[i];
    }
    const next = dot(r, r);
    const beta = next / rr;
    rr = next;
    for (let i = 0; i < n; i++) {
      d[i] = r[i] + beta * d[i];
    }
  }
  return x;
}

/** The Massey rating of each of `ids` that played at least one game (higher is better). */
export function masseyRatings(
  ids: readonly string[],
  criteria: readonly Criterion[],
): Map<string, number> {
  const p = new Float64Array(ids.length);
  const played = new Set<number>();
  const cliques: Clique[] = [];
  const diag = new Float64Array(ids.length);
  for (const c of criteria) {
    const scored = ids.flatMap((id, i) => {
      const v = c.scores.get(id);
      return v !== undefined && Number.isFinite(v) ? [{ i, v }] : [];
    });
    if (c.weight <= 0 || scored.length < 2) {
      continue;
    }
    const k = scored.length;
    const total = scored.reduce((a, s) => a + s.v, 0);
    for (const { i, v } of scored) {
      // margins summed: w * sum_j (v_i - v_j) = w (k v_i - total)
      p[i] += c.weight * (k * v - total);
      diag[i] += c.weight * (k - 1);
      played.add(i);
    }
    cliques.push({
      idx: Int32Array.from(scored.map((s) => s.i)),
      w: c.weight,
    });
  }
  const ridge = 1e-6 + 1e-6 * Math.max(0, ...diag);
  const r = solveCg(cliques, ridge, p);
  return new Map(ids.flatMap((id, i) => (played.has(i) ? [[id, r[i]] as [string, number]] : [])));
}
