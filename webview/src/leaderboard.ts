// The ladder leaderboard of one rung: a plain table (rows built once per designs update), rows
// clickable to select. The rung itself is chosen in the tabs' header (main.ts).
import type { Leaderboard, LeaderRow } from '../../src/shared/dashboard-protocol';
import { compact, el, fixed } from './dom';

function probeCell(row: LeaderRow): HTMLTableCellElement {
  const names = Object.keys(row.probes).sort();
  const td = el('td', 'num');
  if (names.length === 0) {
    td.textContent = '–';
    return td;
  }
  const mean = names.reduce((s, k) => s + row.probes[k], 0) / names.length;
  td.textContent = `${(mean * 100).toFixed(0)}%`;
  td.title = names.map((k) => `${k}: ${(row.probes[k] * 100).toFixed(1)}%`).join('\n');
  return td;
}

function rowOf(row: LeaderRow, rank: number, selected: string | undefined): HTMLTableRowElement {
  const tr = el('tr', row.id === selected ? 'selected' : '');
  tr.dataset.id = row.id;
  tr.tabIndex = 0;
  tr.append(
    el('td', 'num', String(rank)),
    el('td', 'id', row.id),
    el('td', 'num', fixed(row.fitness, 3)),
    el('td', 'num', fixed(row.valLoss, 3)),
    el('td', 'num', fixed(row.bitsPerByte, 3)),
    probeCell(row),
    el('td', 'num', compact(row.tokensPerSec)),
  );
  return tr;
}

export class LeaderboardView {
  constructor(
    private readonly table: HTMLTableElement,
    private readonly emptyNote: HTMLElement,
    onSelect: (id: string) => void,
  ) {
    const pick = (ev: Event): void => {
      const tr = (ev.target as HTMLElement).closest('tr[data-id]');
      if (tr instanceof HTMLElement && tr.dataset.id !== undefined) {
        onSelect(tr.dataset.id);
      }
    };
    table.tBodies[0].addEventListener('click', pick);
    table.tBodies[0].addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        pick(ev);
      }
    });
  }

  render(board: Leaderboard | undefined, selected: string | undefined): void {
    const rows = board?.rows ?? [];
    this.table.tBodies[0].replaceChildren(...rows.map((r, i) => rowOf(r, i + 1, selected)));
    this.table.hidden = rows.length === 0;
    this.emptyNote.hidden = rows.length > 0;
  }

  /** Moves the highlight without rebuilding the rows. */
  select(id: string | undefined): void {
    for (const tr of this.table.tBodies[0].rows) {
      tr.classList.toggle('selected', tr.dataset.id === id);
    }
  }
}
