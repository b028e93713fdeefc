// Streaming without redrawing 100k points: when every new point of the appended curves falls
// inside the chart's current scales, only the new segments are stroked onto uPlot's canvas.
// Anything else (a point outside the scales, a resize, a toggle) takes uPlot's full redraw,
// which repaints every series from the data, so the canvas never drifts from the data.
import type uPlot from 'uplot';
import type { CurveBuffer } from './curve-store';

export interface TailStyle {
  readonly stroke: string;
  /** CSS pixels, as uPlot's series width. */
  readonly width: number;
  readonly dash: boolean;
}

/** Points of each key already on the canvas. */
export type Drawn = Map<string, number>;

function inScales(u: uPlot, c: CurveBuffer, from: number): boolean {
  // Scale bounds are unset until the first draw, and null on an empty scale.
  const s = u.scales as Partial<Record<string, { min?: number | null; max?: number | null }>>;
  const [x0, x1, y0, y1] = [s.x?.min, s.x?.max, s.y?.min, s.y?.max];
  const num = (v: number | null | undefined): v is number => typeof v === 'number';
  if (!num(x0) || !num(x1) || !num(y0) || !num(y1)) {
    return false;
  }
  for (let i = from; i < c.n; i++) {
    const xv = c.xs[i];
    const yv = c.ys[i];
    if (xv < x0 || xv > x1 || yv < y0 || yv > y1) {
      return false;
    }
  }
  return true;
}

/**
 * Strokes the points of `curves` past `drawn` onto the plot's canvas; false (and nothing drawn)
 * when a point lies outside the scales or a curve has nothing drawn yet.
 */
export function drawTails(
  u: uPlot,
  curves: readonly CurveBuffer[],
  drawn: Drawn,
  style: (c: CurveBuffer) => TailStyle,
): boolean {
  const todo = curves.filter((c) => c.n > (drawn.get(c.key) ?? 0));
  if (todo.some((c) => (drawn.get(c.key) ?? 0) === 0 || !inScales(u, c, drawn.get(c.key)!))) {
    return false;
  }
  const g = u.ctx;
  const dpr = window.devicePixelRatio || 1;
  const { left, top, width, height } = u.bbox;
  g.save();
  g.beginPath();
  g.rect(left, top, width, height);
  g.clip();
  for (const c of todo) {
    const s = style(c);
    g.beginPath();
    for (let i = drawn.get(c.key)! - 1; i < c.n; i++) {
      const px = u.valToPos(c.xs[i], 'x', true);
      const py = u.valToPos(c.ys[i], 'y', true);
      if (i === drawn.get(c.key)! - 1) {
        g.moveTo(px, py);
      } else {
        g.lineTo(px, py);
      }
    }
    g.strokeStyle = s.stroke;
    g.lineWidth = s.width * dpr;
    g.setLineDash(s.dash ? [6 * dpr, 4 * dpr] : []);
    g.stroke();
    drawn.set(c.key, c.n);
  }
  g.restore();
  return true;
}

/** A round upper bound for the x scale (137k -> 150k), so a growing curve rescales rarely. */
export function roomyMax(max: number): number {
  if (!(max > 0)) {
    return max;
  }
  const e = 10 ** Math.floor(Math.log10(max));
  return (Math.ceil((max / e) * 2) / 2) * e;
}
