// The Spending tab: totals against the caps, and what each design cost (most expensive first).
import type { Spending } from '../../src/shared/dashboard-protocol';
import { compact, el } from './dom';
import { spendingText } from './header';

export function renderSpending(total: HTMLElement, table: HTMLTableElement, s: Spending): void {
  total.textContent = spendingText(s);
  const rows = Object.entries(s.byDesign).sort(
    (a, b) => b[1].usd - a[1].usd || b[1].tokens - a[1].tokens,
  );
  table.tBodies[0].replaceChildren(
    ...rows.map(([id, c]) => {
      const tr = el('tr');
      tr.append(
        el('td', 'id', id),
        el('td', 'num', compact(c.tokens)),
        el('td', 'num', `$${c.usd.toFixed(4)}`),
      );
      return tr;
    }),
  );
  table.hidden = rows.length === 0;
}
