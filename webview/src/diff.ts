// A unified diff, coloured line by line. The diff text is a model's code: it goes in only as
// textContent of one element per line, so markup in it stays text.
import { el } from './dom';

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) {
    return 'file';
  }
  if (line.startsWith('@@')) {
    return 'hunk';
  }
  if (line.startsWith('+')) {
    return 'add';
  }
  return line.startsWith('-') ? 'del' : 'ctx';
}

/** A <pre> of the diff, or a note when there is none (a seed has no parent). */
export function renderDiff(diff: string): HTMLElement {
  if (diff.trim() === '') {
    return el('p', 'muted', 'No parent: nothing to compare with.');
  }
  const pre = el('pre', 'diff');
  pre.dataset.testid = 'diff';
  const lines = diff.replace(/\n$/, '').split('\n');
  pre.append(...lines.map((l) => el('div', lineClass(l), l === '' ? ' ' : l)));
  return pre;
}
