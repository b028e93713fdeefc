// Train and validation loss against tokens, one uPlot series per curve key of the shown rung.
// uPlot runs in mode 2 (each series has its own x array), so curves of different lengths overlay
// without a shared x column. Appends mark the chart dirty; setData runs at most once per frame.
import uPlot from 'uplot';
import type { CurveBuffer, CurveStore } from './curve-store';
import { drawTails, roomyMax, type Drawn } from './curves-tail';
import { compact, el } from './dom';
import { palette, themeColor } from './theme';

/** Above this many points at a rung, curves are drawn as hairlines (see lineWidth). */
const DENSE_POINTS = 20_000;

export interface CurvesHooks {
  /** The user showed or hid a curve in the legend. */
  toggled(hidden: readonly string[]): void;
}

export class CurvesView {
  private plot: uPlot | null = null;
  /** Keys of the plot's series, in order: series i + 1 shows keys[i]. */
  private keys: string[] = [];
  private rung: string | undefined;
  private selected: string | undefined;
  private dirty = false;
  private rebuildNeeded = true;
  private frame = 0;
  private colours = new Map<string, string>();
  /** Duration and end of the chart's last draw (uPlot's drawClear and draw hooks). */
  /** Points of each shown curve already on the canvas (see curves-tail.ts). */
  private readonly onCanvas: Drawn = new Map();
  private drawStart = 0;
  private drawMs = 0;
  private drawEnd = 0;
  /** Many points shown: draw hairlines (see lineWidth). Decided at each rebuild. */
  private denseChart = false;

  constructor(
    private readonly box: HTMLElement,
    private readonly legend: HTMLElement,
    private readonly store: CurveStore,
    private readonly hidden: Set<string>,
    private readonly hooks: CurvesHooks,
  ) {
    new ResizeObserver(() => {
      this.resize();
    }).observe(box);
  }

  /** Every curve changed (a snapshot) or the shown rung changed. */
  reset(rung: string | undefined): void {
    this.rung = rung;
    this.rebuildNeeded = true;
    this.schedule();
  }

  /** Points were appended to `key` (new: the key did not exist before). */
  appended(key: string, isNew: boolean): void {
    const c = this.store.byKey(key);
    if (c === undefined || c.rung !== this.rung) {
      return;
    }
    if (isNew && (this.plot === null || this.keys.length === 0)) {
      this.rebuildNeeded = true; // the first curve of the rung: build the chart
    } else if (isNew && this.plot !== null && !this.rebuildNeeded) {
      this.keys.push(key);
      this.plot.addSeries(this.seriesOpts(c), this.keys.length);
      this.renderLegend();
    }
    this.dirty = true;
    this.schedule();
  }

  /** Draws the selected design's curves thicker. */
  select(design: string | undefined): void {
    if (design !== this.selected) {
      this.selected = design;
      this.rebuildNeeded = true;
      this.schedule();
    }
  }

  /** The theme changed: colours are baked into the chart, so it is rebuilt. */
  retheme(): void {
    this.rebuildNeeded = true;
    this.schedule();
  }

  private schedule(): void {
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.flush();
    });
  }

  private flush(): void {
    if (this.rebuildNeeded) {
      this.rebuild();
    } else if (this.dirty && this.plot !== null) {
      // A redraw of 100k points can take longer than a frame on a CPU-drawn canvas: leave the
      // main thread at least twice the last draw's time between draws, so input stays smooth.
      if (drawTails(this.plot, this.tails(), this.onCanvas, (c) => this.tailStyle(c))) {
        this.dirty = false;
        this.stamp();
        return;
      }
      if (performance.now() - this.drawEnd < 2 * this.drawMs) {
        this.schedule();
        return;
      }
      this.plot.setData(this.data(), true);
    }
    this.dirty = false;
    this.stamp();
  }

  private shownCurves(): CurveBuffer[] {
    return this.store.all.filter((c) => c.rung === this.rung);
  }

  private rebuild(): void {
    const curves = this.shownCurves();
    this.keys = curves.map((c) => c.key);
    this.denseChart = curves.reduce((n, c) => n + c.n, 0) > DENSE_POINTS;
    this.assignColours(curves);
    this.renderLegend();
    this.plot?.destroy();
    this.plot = null;
    const { width, height } = this.size();
    this.box.classList.toggle('none', curves.length === 0);
    if (width <= 0 || height <= 0 || curves.length === 0) {
      return; // hidden tab: built when it is shown (resize); no curves: the CSS note shows
    }
    this.rebuildNeeded = false;
    const opts: uPlot.Options = {
      // Faceted (each series its own x). uPlot.Mode is a const enum in a .d.ts, which esbuild
      // cannot inline, so the literal.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
      mode: 2,
      width,
      height,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false } },
      scales: {
        x: { time: false, range: (_u, min, max) => [min, roomyMax(max)] },
        y: { auto: true },
      },
      axes: [
        this.axis('tokens', (v) => compact(v)),
        this.axis('loss (nats/token)', (v) => v.toFixed(2)),
      ],
      series: [{}, ...curves.map((c) => this.seriesOpts(c))],
      hooks: {
        drawClear: [() => (this.drawStart = performance.now())],
        draw: [
          () => {
            this.drawn();
          },
        ],
      },
    };
    this.plot = new uPlot(opts, this.data(), this.box);
  }

  /** Mode-2 data: [null, [xs, ys] of series 1, ...]; uPlot's types know only aligned data. */
  private drawn(): void {
    this.drawEnd = performance.now();
    this.drawMs = this.drawEnd - this.drawStart;
    this.box.dataset.draws = String(Number(this.box.dataset.draws ?? 0) + 1);
    this.onCanvas.clear();
    for (const k of this.keys) {
      if (!this.hidden.has(k)) {
        this.onCanvas.set(k, this.store.byKey(k)!.n);
      }
    }
  }

  /** The shown curves with points not yet on the canvas. */
  private tails(): CurveBuffer[] {
    return this.keys
      .filter((k) => !this.hidden.has(k))
      .map((k) => this.store.byKey(k)!)
      .filter((c) => c.n > (this.onCanvas.get(c.key) ?? 0));
  }

  private tailStyle(c: CurveBuffer): { stroke: string; width: number; dash: boolean } {
    const stroke = this.colours.get(c.design) ?? themeColor('--vscode-foreground');
    return { stroke, width: this.lineWidth(c), dash: c.kind === 'val' };
  }

  private data(): uPlot.AlignedData {
    const facets = [null, ...this.keys.map((k) => this.store.byKey(k)!.view())];
    return facets as unknown as uPlot.AlignedData;
  }

  private axis(label: string, fmt: (v: number) => string): uPlot.Axis {
    const fg = themeColor('--vscode-charts-foreground');
    const grid = themeColor('--vscode-charts-lines');
    return {
      label,
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      values: (_u, vals) => vals.map((v) => fmt(v)),
    };
  }

  private seriesOpts(c: CurveBuffer): uPlot.Series {
    return {
      label: c.key,
      show: !this.hidden.has(c.key),
      stroke: this.colours.get(c.design) ?? themeColor('--vscode-foreground'),
      width: this.lineWidth(c),
      dash: c.kind === 'val' ? [6, 4] : undefined,
      paths: uPlot.paths.linear!(),
      // Validation curves have few points (a handful of evals a run): markers show even the first.
      points: { show: c.kind === 'val', size: 5 },
      facets: [
        { scale: 'x', auto: true },
        { scale: 'y', auto: true },
      ],
    };
  }

  /**
   * Line width in CSS pixels (uPlot multiplies by devicePixelRatio). A one-device-pixel line is
   * the rasteriser's fast path: about 10x cheaper than 1.5 px on a CPU-drawn canvas, which is
   * what keeps 100k points smooth; the selected design's curves are drawn thicker.
   */
  private lineWidth(c: CurveBuffer): number {
    const dpr = window.devicePixelRatio || 1;
    if (c.design === this.selected) {
      return 2.5;
    }
    return this.denseChart ? 1 / dpr : 1.5;
  }

  private assignColours(curves: readonly CurveBuffer[]): void {
    const pal = palette();
    this.colours = new Map();
    for (const c of curves) {
      if (!this.colours.has(c.design)) {
        this.colours.set(c.design, pal[this.colours.size % pal.length]);
      }
    }
  }

  private renderLegend(): void {
    const items = this.keys.map((key) => {
      const c = this.store.byKey(key)!;
      const li = el('li', this.hidden.has(key) ? 'off' : '');
      li.dataset.key = key;
      li.title = this.hidden.has(key) ? 'Hidden: click to show' : 'Shown: click to hide';
      const sw = el('span', `swatch ${c.kind}`);
      sw.style.borderColor = this.colours.get(c.design) ?? '';
      li.append(sw, el('span', '', `${c.design} · ${c.kind}`));
      li.addEventListener('click', () => {
        this.toggle(key, li);
      });
      return li;
    });
    this.legend.replaceChildren(...items);
  }

  private toggle(key: string, li: HTMLElement): void {
    const hide = !this.hidden.has(key);
    if (hide) {
      this.hidden.add(key);
    } else {
      this.hidden.delete(key);
    }
    li.classList.toggle('off', hide);
    const i = this.keys.indexOf(key);
    if (i >= 0) {
      this.plot?.setSeries(i + 1, { show: !hide });
    }
    this.hooks.toggled([...this.hidden]);
    this.stamp();
  }

  /** The DOM hooks the tests read: points and series drawn. */
  private stamp(): void {
    let points = 0;
    let series = 0;
    for (const k of this.keys) {
      if (!this.hidden.has(k)) {
        points += this.store.byKey(k)!.n;
        series++;
      }
    }
    this.box.dataset.points = String(points);
    this.box.dataset.series = String(series);
  }

  private size(): { width: number; height: number } {
    return { width: Math.floor(this.box.clientWidth), height: Math.floor(this.box.clientHeight) };
  }

  private resize(): void {
    const { width, height } = this.size();
    if (width <= 0 || height <= 0) {
      return;
    }
    if (this.plot === null) {
      this.rebuildNeeded = true;
      this.schedule();
    } else {
      this.plot.setSize({ width, height });
    }
  }
}
