// Loss curves kept as growable typed arrays: an append copies only the new points (amortised
// doubling), and a chart update hands uPlot subarray views, not copies. No DOM here.
import type { CurveSeries } from '../../src/shared/dashboard-protocol';

export class CurveBuffer {
  xs: Float64Array;
  ys: Float64Array;
  n = 0;

  constructor(
    readonly key: string,
    readonly design: string,
    readonly rung: string,
    readonly kind: 'train' | 'val',
    capacity = 64,
  ) {
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
  }

  /** Appends points pairwise; a pair with a non-finite value is skipped (a diverged step). */
  append(tokens: readonly number[], loss: readonly number[]): number {
    const m = Math.min(tokens.length, loss.length);
    this.reserve(this.n + m);
    const before = this.n;
    for (let i = 0; i < m; i++) {
      const x = tokens[i];
      const y = loss[i];
      if (Number.isFinite(x) && Number.isFinite(y)) {
        this.xs[this.n] = x;
        this.ys[this.n] = y;
        this.n++;
      }
    }
    return this.n - before;
  }

  /** Views of the filled part: [tokens, loss] (mode-2 uPlot data of one series). */
  view(): [Float64Array, Float64Array] {
    return [this.xs.subarray(0, this.n), this.ys.subarray(0, this.n)];
  }

  private reserve(need: number): void {
    if (need <= this.xs.length) {
      return;
    }
    let cap = this.xs.length;
    while (cap < need) {
      cap *= 2;
    }
    const xs = new Float64Array(cap);
    const ys = new Float64Array(cap);
    xs.set(this.xs.subarray(0, this.n));
    ys.set(this.ys.subarray(0, this.n));
    this.xs = xs;
    this.ys = ys;
  }
}

export interface CurveMeta {
  readonly key: string;
  readonly design: string;
  readonly rung: string;
  readonly kind: 'train' | 'val';
}

export class CurveStore {
  private readonly map = new Map<string, CurveBuffer>();

  /** Replaces every curve (a snapshot). */
  reset(series: readonly CurveSeries[]): void {
    this.map.clear();
    for (const s of series) {
      this.get(s, s.tokens.length).append(s.tokens, s.loss);
    }
  }

  /** Appends to the curve named by meta.key, creating it when new; says whether it was new. */
  append(meta: CurveMeta, tokens: readonly number[], loss: readonly number[]): boolean {
    const created = !this.map.has(meta.key);
    this.get(meta, tokens.length).append(tokens, loss);
    return created;
  }

  get all(): readonly CurveBuffer[] {
    return [...this.map.values()];
  }

  byKey(key: string): CurveBuffer | undefined {
    return this.map.get(key);
  }

  /** Rungs that have at least one curve, in first-seen order. */
  rungs(): string[] {
    return [...new Set(this.all.map((c) => c.rung))];
  }

  private get(meta: CurveMeta, hint: number): CurveBuffer {
    let c = this.map.get(meta.key);
    if (c === undefined) {
      c = new CurveBuffer(meta.key, meta.design, meta.rung, meta.kind, Math.max(64, hint));
      this.map.set(meta.key, c);
    }
    return c;
  }
}
