// A line diff for the review queue (parent vs proposal): LCS over lines, shown unified-style with
// a few lines of context. Blocks are a few hundred lines, so the O(n*m) table is small.

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

function ops(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: LCS length of a[i..] and b[j..]
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ kind: ' ', line: a[i++] });
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push({ kind: '-', line: a[i++] });
    } else {
      out.push({ kind: '+', line: b[j++] });
    }
  }
  return out;
}

/** `a` -> `b` as unified-diff lines with `context` lines around each change ('' when equal). */
export function lineDiff(a: string, b: string, labels: [string, string], context = 3): string {
  const all = ops(a.split('\n'), b.split('\n'));
  const keep = new Set<number>();
  all.forEach((o, k) => {
    if (o.kind !== ' ') {
      for (let c = Math.max(0, k - context); c <= Math.min(all.length - 1, k + context); c++) {
        keep.add(c);
      }
    }
  });
  if (keep.size === 0) {
    return '';
  }
  const lines = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  let last = -1;
  for (const k of [...keep].sort((x, y) => x - y)) {
    if (last === -1 || k !== last + 1) {
      lines.push('@@');
    }
    lines.push(`${all[k].kind}${all[k].line}`);
    last = k;
  }
  return lines.join('\n');
}
