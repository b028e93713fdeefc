// The evolution tree on one canvas: 1,000+ designs stay interactive because nothing is a DOM
// node. Drag pans, the wheel zooms about the cursor, hover shows a tooltip, a click selects.
// Drawing happens in requestAnimationFrame and only when something changed.
import type { DesignNode } from '../../src/shared/dashboard-protocol';
import { themeColor } from './theme';
import { fillTooltip, placeTooltip, renderStatusLegend } from './tree-overlay';
import { hitTest, layoutTree, NODE_GAP, type TreeLayout } from './tree-layout';

/** Status -> theme variable of its colour (anything else: the description colour). */
const STATUS_COLOUR: Readonly<Record<string, string>> = {
  trained: '--vscode-charts-green',
  verified: '--vscode-charts-blue',
  training: '--vscode-charts-yellow',
  'pending-review': '--vscode-charts-orange',
  invalid: '--vscode-charts-red',
  failed: '--vscode-charts-red',
  rejected: '--vscode-disabledForeground',
};
const BASE_R = 5;
/** Screen pixels between neighbours needed before every node gets its id written beside it. */
const LABEL_SPACE = 72;

export class TreeView {
  private layout: TreeLayout = layoutTree([]);
  private scale = 1;
  private tx = 0;
  private ty = 0;
  private hover = -1;
  private selected: string | undefined;
  private frame = 0;
  private fitted = false;
  private drag: { x: number; y: number; moved: boolean } | null = null;
  private colours = new Map<string, string>();
  /** Theme colours and font read once per theme change, not per frame. */
  private ink = { fg: '', bg: '', edge: '', focus: '', muted: '', font: '' };

  constructor(
    private readonly box: HTMLElement,
    private readonly canvas: HTMLCanvasElement,
    private readonly tip: HTMLElement,
    private readonly legend: HTMLElement,
    private readonly onSelect: (id: string) => void,
  ) {
    new ResizeObserver(() => {
      this.redraw();
    }).observe(box);
    this.listen();
  }

  setDesigns(designs: readonly DesignNode[]): void {
    this.layout = layoutTree(designs);
    this.box.dataset.designs = String(designs.length);
    this.retheme();
    if (!this.fitted) {
      this.fit();
    }
  }

  select(id: string | undefined): void {
    this.selected = id;
    this.redraw();
  }

  /** Scales and centres so the whole tree fits the canvas. */
  fit(): void {
    const w = this.box.clientWidth;
    const h = this.box.clientHeight;
    if (w <= 0 || h <= 0 || this.layout.nodes.length === 0) {
      return;
    }
    const t = this.layout;
    const spanX = t.maxX - t.minX + 4 * BASE_R * 2;
    const spanY = t.maxY + 4 * BASE_R * 2;
    this.scale = Math.min(3, Math.max(0.02, Math.min(w / spanX, h / spanY)));
    this.tx = w / 2 - ((t.minX + t.maxX) / 2) * this.scale;
    this.ty = h / 2 - (t.maxY / 2) * this.scale;
    this.fitted = true;
    this.redraw();
  }

  retheme(): void {
    this.ink = {
      fg: themeColor('--vscode-foreground'),
      bg: themeColor('--vscode-editor-background'),
      edge: themeColor('--vscode-charts-lines'),
      focus: themeColor('--vscode-focusBorder'),
      muted: themeColor('--vscode-descriptionForeground'),
      font: `11px ${getComputedStyle(document.body).fontFamily}`,
    };
    this.colours = new Map(
      Object.entries(STATUS_COLOUR).map(([s, v]) => [s, themeColor(v)] as const),
    );
    this.renderLegend();
    this.redraw();
  }

  redraw(): void {
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private colour(status: string): string {
    return this.colours.get(status) ?? this.ink.muted;
  }

  private radius(n: DesignNode): number {
    const t = this.layout;
    if (n.fitness === undefined || !(t.fitMax > t.fitMin)) {
      return BASE_R;
    }
    return BASE_R * (0.7 + (0.9 * (n.fitness - t.fitMin)) / (t.fitMax - t.fitMin));
  }

  private draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const w = this.box.clientWidth;
    const h = this.box.clientHeight;
    if (w <= 0 || h <= 0) {
      return;
    }
    if (!this.fitted) {
      this.fit();
    }
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
    const g = this.canvas.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    g.setTransform(dpr * this.scale, 0, 0, dpr * this.scale, dpr * this.tx, dpr * this.ty);
    this.drawEdges(g);
    this.drawNodes(g);
    this.drawMarks(g);
    this.drawLabels(g, dpr, w, h);
  }

  private drawEdges(g: CanvasRenderingContext2D): void {
    const t = this.layout;
    g.beginPath();
    for (let e = 0; e < t.edges.length; e += 2) {
      const p = t.edges[e];
      const c = t.edges[e + 1];
      g.moveTo(t.xs[p], t.ys[p]);
      g.lineTo(t.xs[c], t.ys[c]);
    }
    g.strokeStyle = this.ink.edge;
    g.lineWidth = 1 / this.scale;
    g.stroke();
  }

  /** One path and one fill per status: a few canvas calls for any number of nodes. */
  private drawNodes(g: CanvasRenderingContext2D): void {
    const t = this.layout;
    const byStatus = new Map<string, number[]>();
    t.nodes.forEach((n, i) => {
      let list = byStatus.get(n.status);
      if (list === undefined) {
        byStatus.set(n.status, (list = []));
      }
      list.push(i);
    });
    for (const [status, list] of byStatus) {
      g.beginPath();
      for (const i of list) {
        const r = this.radius(t.nodes[i]);
        g.moveTo(t.xs[i] + r, t.ys[i]);
        g.arc(t.xs[i], t.ys[i], r, 0, 2 * Math.PI);
      }
      g.fillStyle = this.colour(status);
      g.fill();
    }
  }

  /** Rings: seeds (thin), the hovered and the selected design (focus colour). */
  private drawMarks(g: CanvasRenderingContext2D): void {
    const t = this.layout;
    const ring = (i: number, colour: string, width: number): void => {
      g.beginPath();
      g.arc(t.xs[i], t.ys[i], this.radius(t.nodes[i]) + 2 / this.scale, 0, 2 * Math.PI);
      g.strokeStyle = colour;
      g.lineWidth = width / this.scale;
      g.stroke();
    };
    const sel = this.selected === undefined ? undefined : t.index.get(this.selected);
    if (this.hover >= 0) {
      ring(this.hover, this.ink.fg, 1.5);
    }
    if (sel !== undefined) {
      ring(sel, this.ink.focus, 2.5);
    }
  }

  /** Ids beside the nodes once neighbours are far enough apart to read them (only those on
   *  screen), and always beside the selected design. */
  private drawLabels(g: CanvasRenderingContext2D, dpr: number, w: number, h: number): void {
    const t = this.layout;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = this.ink.fg;
    g.strokeStyle = this.ink.bg;
    g.lineWidth = 3;
    g.lineJoin = 'round';
    g.font = this.ink.font;
    g.textBaseline = 'middle';
    const label = (i: number): void => {
      const sx = t.xs[i] * this.scale + this.tx;
      const sy = t.ys[i] * this.scale + this.ty;
      if (sx > -80 && sx < w && sy > -10 && sy < h + 10) {
        const lx = sx + this.radius(t.nodes[i]) * this.scale + 4;
        g.strokeText(t.nodes[i].id, lx, sy); // a halo in the background colour over edges
        g.fillText(t.nodes[i].id, lx, sy);
      }
    };
    if (NODE_GAP * this.scale >= LABEL_SPACE) {
      for (let i = 0; i < t.nodes.length; i++) {
        label(i);
      }
    } else {
      const sel = this.selected === undefined ? undefined : t.index.get(this.selected);
      if (sel !== undefined) {
        label(sel);
      }
    }
  }

  private toLayout(ev: MouseEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [
      (ev.clientX - r.left - this.tx) / this.scale,
      (ev.clientY - r.top - this.ty) / this.scale,
    ];
  }

  private listen(): void {
    const c = this.canvas;
    c.addEventListener('pointerdown', (ev) => {
      this.drag = { x: ev.clientX, y: ev.clientY, moved: false };
      try {
        c.setPointerCapture(ev.pointerId); // keeps the drag when the pointer leaves the canvas
      } catch {
        // a synthetic event's pointer cannot be captured: the drag still works inside
      }
    });
    c.addEventListener('pointermove', (ev) => {
      this.onMove(ev);
    });
    c.addEventListener('pointerup', (ev) => {
      const d = this.drag;
      this.drag = null;
      if (d !== null && !d.moved) {
        this.click(ev);
      }
    });
    c.addEventListener('pointerleave', () => {
      this.setHover(-1, null);
    });
    c.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      this.zoom(ev);
    });
  }

  private onMove(ev: PointerEvent): void {
    const d = this.drag;
    if (d !== null) {
      const dx = ev.clientX - d.x;
      const dy = ev.clientY - d.y;
      if (d.moved || Math.abs(dx) + Math.abs(dy) > 3) {
        d.moved = true;
        this.tx += dx;
        this.ty += dy;
        d.x = ev.clientX;
        d.y = ev.clientY;
        this.setHover(-1, null);
        this.redraw();
      }
      return;
    }
    const [x, y] = this.toLayout(ev);
    this.setHover(hitTest(this.layout, x, y, BASE_R * 1.6 + 4 / this.scale), ev);
  }

  private zoom(ev: WheelEvent): void {
    const r = this.canvas.getBoundingClientRect();
    const mx = ev.clientX - r.left;
    const my = ev.clientY - r.top;
    const k = Math.exp(-ev.deltaY * 0.0015);
    const next = Math.min(20, Math.max(0.02, this.scale * k));
    this.tx = mx - ((mx - this.tx) * next) / this.scale;
    this.ty = my - ((my - this.ty) * next) / this.scale;
    this.scale = next;
    this.redraw();
  }

  private click(ev: MouseEvent): void {
    const [x, y] = this.toLayout(ev);
    const i = hitTest(this.layout, x, y, BASE_R * 1.6 + 4 / this.scale);
    if (i >= 0) {
      this.onSelect(this.layout.nodes[i].id);
    }
  }

  private setHover(i: number, ev: MouseEvent | null): void {
    if (i !== this.hover) {
      this.hover = i;
      this.redraw();
      if (i >= 0) {
        fillTooltip(this.tip, this.layout.nodes[i]);
      }
    }
    if (i < 0 || ev === null) {
      this.tip.hidden = true;
    } else {
      placeTooltip(this.tip, this.box, ev);
    }
  }

  private renderLegend(): void {
    renderStatusLegend(
      this.legend,
      this.layout.nodes.map((n) => n.status),
      (s) => this.colour(s),
    );
  }
}
