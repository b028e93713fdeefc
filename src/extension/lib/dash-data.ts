// The dashboard's data from the store's records and the run folders' report.json: the evolution
// tree's nodes, a leaderboard per rung, spending, and one design's detail. vscode-free and pure
// but for reading report.json files (a reader is passed in, so tests give their own).
import { lineDiff } from '../../evolve/loop/diff';
import { fitnessTable, resultFromReport, type RunResults } from '../../evolve/selection';
import { num } from '../../ladder/reports';
import { RUNGS } from '../../ladder/rungs';
import type { DesignRecord } from '../../store/types';
import type { RunReport } from '../../train/report';
import type {
  DesignDetail,
  DesignNode,
  Leaderboard,
  LeaderRow,
  Spending,
} from '../../shared/dashboard-protocol';

/** report.json of a design at a rung, or undefined. */
export type ReportReader = (id: string, rung: string) => RunReport | undefined;

const RUNG_NAMES = RUNGS.map((r) => r.name);

/** Every report of every design, by id then rung. */
export function readReports(
  designs: readonly Pick<DesignRecord, 'id'>[],
  read: ReportReader,
): Map<string, Map<string, RunReport>> {
  const out = new Map<string, Map<string, RunReport>>();
  for (const d of designs) {
    for (const rung of RUNG_NAMES) {
      const r = read(d.id, rung);
      if (r !== undefined) {
        const byRung = out.get(d.id) ?? new Map<string, RunReport>();
        byRung.set(rung, r);
        out.set(d.id, byRung);
      }
    }
  }
  return out;
}

function results(reports: Map<string, Map<string, RunReport>>): RunResults {
  const out: Record<string, Record<string, ReturnType<typeof resultFromReport>>> = {};
  for (const [id, byRung] of reports) {
    for (const [rung, r] of byRung) {
      (out[id] ??= {})[rung] = resultFromReport(r);
    }
  }
  return out;
}

const firstLine = (s: string | undefined): string | undefined =>
  s === undefined ? undefined : s.split('\n')[0]?.trim() || undefined;

/** The evolution tree's nodes and a leaderboard per rung with at least one completed run. */
export function designsAndBoards(
  designs: readonly DesignRecord[],
  reports: Map<string, Map<string, RunReport>>,
): { designs: DesignNode[]; leaderboards: Leaderboard[] } {
  const table = fitnessTable(designs, results(reports), { rungs: RUNG_NAMES });
  const nodes = designs.map((d): DesignNode => {
    const f = table.get(d.id);
    const summary = firstLine(d.summary);
    return {
      id: d.id,
      parents: d.parents,
      operator: d.operator,
      status: d.status,
      createdAt: d.createdAt,
      ...(d.unit !== undefined ? { unit: d.unit } : {}),
      ...(summary !== undefined ? { summary } : {}),
      ...(f?.fitness !== undefined ? { fitness: f.fitness } : {}),
      ...(f?.rung !== undefined ? { rung: f.rung } : {}),
    };
  });
  const leaderboards: Leaderboard[] = [];
  for (const rung of RUNG_NAMES) {
    const rows: LeaderRow[] = [];
    for (const d of designs) {
      const fit = table.get(d.id)?.byRung[rung];
      const r = reports.get(d.id)?.get(rung);
      if (fit !== undefined && r !== undefined && r.status === 'completed') {
        rows.push(leaderRow(d.id, fit, r));
      }
    }
    if (rows.length > 0) {
      leaderboards.push({ rung, rows: rows.sort((a, b) => b.fitness - a.fitness) });
    }
  }
  return { designs: nodes, leaderboards };
}

function probesOf(r: RunReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of r.probes) {
    const a = num(p.accuracy);
    if (a !== undefined) {
      out[p.name] = a;
    }
  }
  return out;
}

function leaderRow(id: string, fitness: number, r: RunReport): LeaderRow {
  const bpb = num(r.final.bitsPerByte);
  return {
    id,
    fitness,
    valLoss: num(r.final.valLoss) ?? NaN,
    ...(bpb !== undefined ? { bitsPerByte: bpb } : {}),
    probes: probesOf(r),
    tokensPerSec: num(r.tokensPerSec) ?? 0,
  };
}

/** The LLM spend: each design's costs, the loop's lifetime totals when larger, and the caps. */
export function spendingOf(
  designs: readonly DesignRecord[],
  loop: { tokens: number; usd: number } | undefined,
  caps: { maxTokens?: number; maxUsd?: number },
): Spending {
  const byDesign: Record<string, { tokens: number; usd: number }> = {};
  let tokens = 0;
  let usd = 0;
  for (const d of designs) {
    const c = d.costs;
    if (c !== undefined && (c.tokens > 0 || c.usd > 0)) {
      byDesign[d.id] = { tokens: c.tokens, usd: c.usd };
      tokens += c.tokens;
      usd += c.usd;
    }
  }
  // the loop also pays for refused proposals, which have no design: its totals include them
  return {
    tokens: Math.max(tokens, loop?.tokens ?? 0),
    usd: Math.max(usd, loop?.usd ?? 0),
    ...(caps.maxTokens !== undefined ? { maxTokens: caps.maxTokens } : {}),
    ...(caps.maxUsd !== undefined ? { maxUsd: caps.maxUsd } : {}),
    byDesign,
  };
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The proposal's text: the summary, then the designer's rationale when it gave one. */
function proposalText(d: DesignRecord): string | undefined {
  const p = obj(d.proposal);
  const detail = obj(p?.['detail']);
  const inner = detail?.['proposal'] ?? p?.['text'] ?? d.proposal;
  const rationale =
    str(inner) ?? str(obj(inner)?.['rationale']) ?? str(obj(inner)?.['text']) ?? undefined;
  const parts = [d.summary, rationale].filter((x): x is string => x !== undefined && x !== '');
  return parts.length > 0 ? [...new Set(parts)].join('\n\n') : undefined;
}

/** The review: the reviewer's rating and text, or the researcher's decision. */
function reviewOf(d: DesignRecord): DesignDetail['review'] {
  const r = obj(d.review) ?? obj(obj(obj(d.proposal)?.['detail'])?.['review']);
  if (r === undefined) {
    return undefined;
  }
  const rating = typeof r['rating'] === 'number' ? r['rating'] : undefined;
  const text = str(r['text']) ?? str(r['summary']) ?? str(r['comment']);
  const decision = str(r['decision']);
  return {
    ...(rating !== undefined ? { rating } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(decision !== undefined ? { decision } : {}),
  };
}

/** The failed checks of the last verification, one line each: `id: message`. */
function failedChecks(d: DesignRecord): string[] | undefined {
  const failed = obj(d.verification)?.['failed'];
  if (!Array.isArray(failed)) {
    return undefined;
  }
  return failed.map((c) => {
    const o = obj(c);
    return `${str(o?.['id']) ?? 'check'}: ${str(o?.['message']) ?? ''}`.trim();
  });
}

function runsOf(byRung: Map<string, RunReport> | undefined): DesignDetail['runs'] {
  return [...(byRung ?? new Map<string, RunReport>())].map(([rung, r]) => {
    const val = num(r.final.valLoss);
    const bpb = num(r.final.bitsPerByte);
    const tps = num(r.tokensPerSec);
    const wall = num(r.wallMs);
    return {
      rung,
      status: r.status,
      probes: probesOf(r),
      ...(val !== undefined ? { valLoss: val } : {}),
      ...(bpb !== undefined ? { bitsPerByte: bpb } : {}),
      ...(tps !== undefined ? { tokensPerSec: tps } : {}),
      ...(wall !== undefined ? { wallMs: wall } : {}),
    };
  });
}

/** One design's detail; `source(id)` reads a block (undefined when unreadable). */
export function designDetail(
  d: DesignRecord,
  node: DesignNode,
  reports: Map<string, RunReport> | undefined,
  source: (id: string) => string | undefined,
): DesignDetail {
  const parent = d.parents.at(0);
  const a = parent !== undefined ? source(parent) : undefined;
  const b = source(d.id);
  const diff =
    a !== undefined && b !== undefined
      ? lineDiff(a, b, [`${parent ?? ''}/block.ts`, `${d.id}/block.ts`])
      : '';
  const proposal = proposalText(d);
  const review = reviewOf(d);
  const verification = failedChecks(d);
  return {
    id: d.id,
    node,
    runs: runsOf(reports),
    diff,
    ...(proposal !== undefined ? { proposal } : {}),
    ...(review !== undefined ? { review } : {}),
    ...(verification !== undefined ? { verification } : {}),
  };
}

/** The highest rung (ladder order) with a report, for "Open Training Report". */
export function highestReportRung(byRung: Map<string, RunReport> | undefined): string | undefined {
  return RUNG_NAMES.filter((r) => byRung?.has(r) === true).at(-1);
}
