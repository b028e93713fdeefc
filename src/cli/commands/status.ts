// `blocksmith status --workspace <dir> [--json]`: the store read-only (evolve may be running):
// designs by status, the leaderboard of each rung, runs in progress, the loop's budgets.
import { DESIGNED, collectResults, laptopRungs, readState } from '../../evolve/loop';
import { defaultSettings, fitnessTable, type FitnessTable } from '../../evolve/selection';
import { RUNGS } from '../../ladder/rungs';
import { DesignStore, type DesignRecord } from '../../store';
import type { Command, Io } from '../io';
import { EXIT_OK, flag } from '../io';
import { workspaceArg } from './evolve';

/** Rungs shown: the laptop ones, plus any other rung some run used. */
function rungsOf(store: DesignStore): string[] {
  const names = new Set(laptopRungs());
  for (const r of Object.values(readState(store).runs)) {
    names.add(r.rung);
  }
  return RUNGS.map((r) => r.name).filter((n) => names.has(n));
}

function statusJson(
  ws: string,
  store: DesignStore,
  designs: DesignRecord[],
  table: FitnessTable,
  rungs: string[],
): unknown {
  const s = readState(store);
  return {
    workspace: ws,
    designs: designs.map((d) => {
      const e = table.get(d.id);
      return {
        id: d.id,
        parents: d.parents,
        operator: d.operator,
        status: d.status,
        fitness: e?.fitness ?? null,
        confidence: e?.confidence ?? 0,
        rung: e?.rung ?? null,
        fitnessByRung: e?.byRung ?? {},
        reference: e?.reference ?? false,
        rating: e?.rating ?? null,
        review: e?.review ?? null,
        ...(d.unit !== undefined ? { unit: d.unit } : {}),
        createdAt: d.createdAt,
      };
    }),
    leaderboard: Object.fromEntries(rungs.map((r) => [r, board(designs, table, r)])),
    runs: Object.values(s.runs),
    refused: s.refused,
    budget: {
      designed: designs.filter((d) => DESIGNED.has(d.operator)).length,
      refused: s.refusedCount,
      tokens: s.tokens,
      usd: s.usd,
    },
  };
}

function board(
  designs: DesignRecord[],
  table: FitnessTable,
  rung: string,
): { id: string; fitness: number }[] {
  return designs
    .map((d) => ({ id: d.id, fitness: table.get(d.id)?.byRung[rung] }))
    .filter((x): x is { id: string; fitness: number } => x.fitness !== undefined)
    .sort((a, b) => b.fitness - a.fitness || a.id.localeCompare(b.id));
}

function human(
  io: Io,
  store: DesignStore,
  designs: DesignRecord[],
  table: FitnessTable,
  rungs: string[],
): void {
  const counts = new Map<string, number>();
  designs.forEach((d) => counts.set(d.status, (counts.get(d.status) ?? 0) + 1));
  io.out(`${designs.length} designs: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
  for (const rung of rungs) {
    const rows = board(designs, table, rung);
    if (rows.length === 0) {
      continue;
    }
    io.out(`\nrung ${rung} (fitness vs the GPT seed, higher is better):\n`);
    rows.forEach((r, i) => {
      const ref = table.get(r.id)?.reference === true ? '  (reference)' : '';
      io.out(`  ${String(i + 1).padStart(3)}. ${r.id.padEnd(28)} ${r.fitness.toFixed(3)}${ref}\n`);
    });
  }
  const s = readState(store);
  const live = Object.values(s.runs).filter((r) => r.status === 'training');
  live.forEach((r) => {
    io.out(`\ntraining: ${r.id} at ${r.rung} (${r.steps} steps)\n`);
  });
  const pending = counts.get('pending-review') ?? 0;
  if (pending > 0) {
    io.out(`\n${pending} design(s) wait for review: blocksmith review --workspace <dir>\n`);
  }
  io.out(
    `\nrefused proposals: ${s.refusedCount}; LLM spend: ${s.tokens} tokens, $${s.usd.toFixed(2)}\n`,
  );
  for (const r of s.refused.slice(-5)) {
    const tag = r.status ?? 'refused';
    const text = r.reason.startsWith(`${tag}: `) ? r.reason : `${tag}: ${r.reason}`;
    io.out(`  ${r.at.slice(0, 19)} ${text.split('\n')[0].slice(0, 160)}\n`);
  }
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'the evolution tree by status and the leaderboard of each rung',
  help: `Usage: blocksmith status --workspace <dir> [--json]

Reads the design store without its lock (safe while evolve runs) and prints the designs by
status, the leaderboard of each rung, the runs in progress and the loop's spend.

Options:
  --workspace <dir>   the discovery workspace (default: the current folder)
  --json              print { workspace, designs: [{ id, parents, operator, status, fitness,
                      confidence, rung, fitnessByRung, reference, rating, review }],
                      leaderboard, runs, refused, budget }
  -h, --help          show this help`,
  options: { workspace: { type: 'string' }, json: { type: 'boolean' } },
  async run(p, io) {
    const ws = workspaceArg(p, io, 'status');
    const store = await DesignStore.open(ws, { readOnly: true });
    try {
      const designs = store.list();
      const rungs = rungsOf(store);
      const reviewWeight = defaultSettings().reviewWeight;
      const table = fitnessTable(designs, collectResults(store, rungs), { rungs, reviewWeight });
      if (flag(p, 'json')) {
        io.out(`${JSON.stringify(statusJson(ws, store, designs, table, rungs), null, 2)}\n`);
      } else {
        human(io, store, designs, table, rungs);
      }
      return EXIT_OK;
    } finally {
      await store.close();
    }
  },
};
