// The selected design: proposal, review, failed checks, runs, the diff to its parent, and the
// actions the host carries out (open block, open diff, train, open a run's report).
import type { DesignDetail, WebviewMessage } from '../../src/shared/dashboard-protocol';
import { compact, duration, el, fixed } from './dom';
import { renderDiff } from './diff';

type Post = (m: WebviewMessage) => void;

function section(title: string, ...body: Node[]): HTMLElement {
  const s = el('section', 'block');
  s.append(el('h3', '', title), ...body);
  return s;
}

/** A vscode-button; an empty label makes an icon-only button titled `title`. */
function button(
  label: string,
  icon: string,
  onClick: () => void,
  disabled = false,
  title = '',
): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('icon', icon);
  b.textContent = label;
  if (title !== '') {
    b.title = title;
    b.setAttribute('aria-label', title);
  }
  if (disabled) {
    b.setAttribute('disabled', '');
  }
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) {
      onClick();
    }
  });
  return b;
}

function header(d: DesignDetail, select: (id: string) => void): HTMLElement {
  const h = el('div', 'detail-head');
  const badge = document.createElement('vscode-badge');
  badge.textContent = d.node.status;
  h.append(el('h2', 'id', d.id), badge);
  const meta = el('p', 'muted');
  meta.append(`${d.node.operator}${d.node.unit !== undefined ? ` of ${d.node.unit}` : ''}`);
  if (d.node.parents.length > 0) {
    meta.append(' from ');
    d.node.parents.forEach((p, i) => {
      const a = el('a', 'link', p);
      a.href = '#';
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        select(p);
      });
      meta.append(...(i > 0 ? [', ', a] : [a]));
    });
  }
  if (d.node.fitness !== undefined) {
    meta.append(` · fitness ${fixed(d.node.fitness, 3)} at ${d.node.rung ?? '?'}`);
  }
  h.append(meta);
  return h;
}

function review(d: DesignDetail): HTMLElement | null {
  const r = d.review;
  if (r === undefined) {
    return null;
  }
  const parts: Node[] = [];
  if (r.rating !== undefined) {
    const n = Math.max(0, Math.min(5, Math.round(r.rating)));
    const p = el('p', 'rating', `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${r.rating}/5`);
    p.title = `Reviewer's rating: ${r.rating} of 5`;
    parts.push(p);
  }
  if (r.decision !== undefined) {
    parts.push(el('p', 'muted', `Decision: ${r.decision}`));
  }
  if (r.text !== undefined && r.text !== '') {
    parts.push(el('p', 'text', r.text));
  }
  return section('Review', ...parts);
}

function runsTable(d: DesignDetail, post: Post): HTMLElement {
  if (d.runs.length === 0) {
    return section('Runs', el('p', 'muted', 'Not trained yet.'));
  }
  const t = el('table', 'grid');
  const head = el('tr');
  for (const h of ['Rung', 'Status', 'Val loss', 'Bits/byte', 'Tokens/s', 'Time', '']) {
    head.append(el('th', h === 'Rung' || h === 'Status' ? '' : 'num', h));
  }
  t.createTHead().append(head);
  const body = t.createTBody();
  for (const r of d.runs) {
    const tr = el('tr');
    const open = el('td');
    open.append(
      button(
        '',
        'output',
        () => {
          post({ type: 'open-report', id: d.id, rung: r.rung });
        },
        false,
        `Open the ${r.rung} report`,
      ),
    );
    open.dataset.report = r.rung;
    tr.append(
      el('td', '', r.rung),
      el('td', '', r.status),
      el('td', 'num', fixed(r.valLoss, 3)),
      el('td', 'num', fixed(r.bitsPerByte, 3)),
      el('td', 'num', r.tokensPerSec === undefined ? '–' : compact(r.tokensPerSec)),
      el('td', 'num', r.wallMs === undefined ? '–' : duration(r.wallMs)),
      open,
    );
    body.append(tr);
  }
  return section('Runs', t);
}

/** Fills `box` with the detail of one design. */
export function renderDetail(
  box: HTMLElement,
  d: DesignDetail,
  post: Post,
  select: (id: string) => void,
): void {
  box.dataset.id = d.id;
  delete box.dataset.pending;
  const actions = el('div', 'actions');
  actions.append(
    button('Open Block', 'go-to-file', () => {
      post({ type: 'open-block', id: d.id });
    }),
    button(
      'Open Diff',
      'diff',
      () => {
        post({ type: 'open-diff', id: d.id });
      },
      d.node.parents.length === 0,
    ),
    button('Train', 'play', () => {
      post({ type: 'train', id: d.id });
    }),
  );
  const parts: (HTMLElement | null)[] = [header(d, select), actions];
  if (d.proposal !== undefined && d.proposal !== '') {
    parts.push(section('Proposal', el('p', 'text', d.proposal)));
  }
  parts.push(review(d));
  if (d.verification !== undefined && d.verification.length > 0) {
    const ul = el('ul', 'checks');
    ul.append(...d.verification.map((v) => el('li', '', v)));
    parts.push(section('Failed checks', ul));
  }
  parts.push(runsTable(d, post), section('Diff to parent', renderDiff(d.diff)));
  box.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

/** While the host looks the detail up. */
export function renderPending(box: HTMLElement, id: string): void {
  delete box.dataset.id;
  box.dataset.pending = id;
  const ring = document.createElement('vscode-progress-ring');
  box.replaceChildren(el('h2', 'id', id), ring);
}
