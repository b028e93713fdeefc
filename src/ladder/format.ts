// The ladder's leaderboards as text: one table per rung (design, status, validation loss,
// bits/byte, loss and fitness against the GPT seed, probe accuracies, tokens/s and speed against
// the GPT seed, wall time), the notes of the designs that failed, and the final ranking.
import type { FinalPlace, RungResult, ScoredEntry } from './rank';

const PROBE_SHORT: Readonly<Record<string, string>> = {
  mqar: 'mqar',
  induction: 'induct',
  'selective-copy': 'selcopy',
};

const fixed = (v: number | undefined, digits: number): string =>
  v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);

const ratio = (v: number | undefined): string =>
  v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`;

/** 83s, 4m05s, 1h02m */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) {
    return '-';
  }
  const s = Math.round(ms / 1000);
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  }
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function probeNames(entries: readonly ScoredEntry[]): string[] {
  const names = new Set<string>();
  entries.forEach((e) => e.probes?.forEach((p) => names.add(p.name)));
  return [...names];
}

function designCell(e: ScoredEntry): string {
  const marks = [e.reference ? 'reference' : '', e.reused ? 'reused' : ''].filter(Boolean);
  return marks.length > 0 ? `${e.design} (${marks.join(', ')})` : e.design;
}

function speedCell(e: ScoredEntry): string {
  const r = ratio(e.speedVsGpt);
  return e.slow === true ? `${r} SLOW` : r;
}

function row(e: ScoredEntry, probes: readonly string[]): string[] {
  return [
    e.rank !== undefined ? `${e.rank}${e.promoted ? '^' : ''}` : '-',
    designCell(e),
    e.status,
    fixed(e.valLoss, 4),
    fixed(e.bitsPerByte, 3),
    ratio(e.lossVsGpt),
    fixed(e.fitness, 3),
    ...probes.map((n) => {
      const p = e.probes?.find((q) => q.name === n);
      return p ? `${(p.accuracy * 100).toFixed(0)}%` : '-';
    }),
    e.tokensPerSec !== undefined ? String(Math.round(e.tokensPerSec)) : '-',
    speedCell(e),
    duration(e.wallMs),
  ];
}

/** One rung's leaderboard, with a line per note (failures, reuse) under it. */
export function formatRung(r: RungResult): string {
  const probes = probeNames(r.entries);
  const head = [
    '#',
    'design',
    'status',
    'val loss',
    'bits/byte',
    'loss vs GPT',
    'fitness',
    ...probes.map((n) => PROBE_SHORT[n] ?? n),
    'tok/s',
    'speed vs GPT',
    'wall',
  ];
  const promoted = r.entries.filter((e) => e.promoted).map((e) => e.design);
  const lines = [
    `Rung ${r.rung}`,
    table([head, ...r.entries.map((e) => row(e, probes))]),
    ...r.entries
      .filter((e) => e.message !== undefined && e.message !== 'reused')
      .map((e) => `  ${e.design}: ${e.message ?? ''}`),
    promoted.length > 0 ? `  promoted (^): ${promoted.join(', ')}` : '',
  ];
  return `${lines.filter((l) => l !== '').join('\n')}\n`;
}

/** The final ranking: highest rung reached first, then fitness there. */
export function formatRanking(places: readonly FinalPlace[]): string {
  const rows = places.map((p, i) => [
    String(i + 1),
    p.design,
    p.highestRung ?? '-',
    fixed(p.fitness, 3),
    fixed(p.valLoss, 4),
    p.highestRung !== undefined && p.status === 'completed' ? '' : p.status,
  ]);
  return `Final ranking\n${table([['#', 'design', 'highest rung', 'fitness', 'val loss', 'last status'], ...rows])}\n`;
}
