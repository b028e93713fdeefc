// The DOM around the tree's canvas: the hover tooltip and the status legend (text via
// textContent only: ids and summaries come from designs).
import type { DesignNode } from '../../src/shared/dashboard-protocol';
import { el, fixed } from './dom';

/** Fills the tooltip with one design's id, status, operator, fitness and summary. */
export function fillTooltip(tip: HTMLElement, n: DesignNode): void {
  const lines = [
    n.id,
    `${n.status} · ${n.operator}${n.unit !== undefined ? ` (${n.unit})` : ''}`,
    `fitness ${fixed(n.fitness, 3)}${n.rung !== undefined ? ` at ${n.rung}` : ''}`,
  ];
  if (n.summary !== undefined && n.summary !== '') {
    lines.push(n.summary);
  }
  tip.replaceChildren(...lines.map((l, k) => el('div', k === 0 ? 'strong' : '', l)));
}

/** Places the tooltip beside the pointer, inside `box`. */
export function placeTooltip(tip: HTMLElement, box: HTMLElement, ev: MouseEvent): void {
  const r = box.getBoundingClientRect();
  tip.style.left = `${Math.max(0, Math.min(ev.clientX - r.left + 12, r.width - 260))}px`;
  tip.style.top = `${Math.min(ev.clientY - r.top + 12, r.height - 80)}px`;
  tip.hidden = false;
}

/** One legend entry per status present, with its colour. */
export function renderStatusLegend(
  legend: HTMLElement,
  statuses: Iterable<string>,
  colour: (status: string) => string,
): void {
  legend.replaceChildren(
    ...[...new Set(statuses)].sort().map((s) => {
      const li = el('li', '', s);
      const dot = el('span', 'dot');
      dot.style.background = colour(s);
      li.prepend(dot);
      return li;
    }),
  );
}
