// `blocksmith review --workspace <dir> [show|accept|reject <id>]`: the human gate of the loop.
// It takes the store's lock (so not while evolve runs); an accepted design trains at the next evolve.
import { lineDiff } from '../../evolve/loop/diff';
import { reviewRating } from '../../evolve/selection';
import type { DesignRecord, DesignStore } from '../../store';
import type { Command, Io } from '../io';
import { EXIT_OK, UsageError, str } from '../io';
import { openStore, workspaceArg } from './evolve';

const first = (s: string | undefined): string => (s ?? '').split('\n')[0].slice(0, 100);

function list(store: DesignStore, io: Io): void {
  const pending = store.list().filter((d) => d.status === 'pending-review');
  if (pending.length === 0) {
    io.out('no designs wait for review\n');
    return;
  }
  io.out(`${pending.length} design(s) wait for review:\n`);
  for (const d of pending) {
    const from = d.parents.length > 0 ? d.parents.join(' + ') : 'the unit library';
    io.out(
      `  ${d.id}  ${d.operator} of ${from}${d.unit !== undefined ? ` (unit ${d.unit})` : ''}: ${first(d.summary)}\n`,
    );
  }
  io.out('show one: review show <id>; then review accept <id> or review reject <id>\n');
}

function pendingDesign(store: DesignStore, id: string | undefined, verb: string): DesignRecord {
  if (id === undefined) {
    throw new UsageError(
      `review ${verb}: give a design id`,
      `usage: blocksmith review ${verb} <id>`,
    );
  }
  const d = store.get(id);
  if (d === undefined) {
    throw new UsageError(
      `review ${verb}: no design '${id}' in the store`,
      'list the queue: blocksmith review',
    );
  }
  return d;
}

function show(store: DesignStore, d: DesignRecord, io: Io): void {
  io.out(`${d.id}: ${d.status}, ${d.operator} of ${d.parents.join(' + ') || 'the unit library'}\n`);
  if (d.summary !== undefined) {
    io.out(`${d.summary}\n`);
  }
  const review = reviewRating(d);
  const text = (d.proposal as { detail?: { review?: { text?: unknown } } } | undefined)?.detail
    ?.review?.text;
  if (review !== undefined) {
    io.out(`LLM reviewer: ${review}/5. ${typeof text === 'string' ? text : ''}\n`);
  }
  const parent = d.parents.at(0);
  if (parent === undefined || store.get(parent) === undefined) {
    io.out(`\n${store.source(d.id)}\n`);
    return;
  }
  const diff = lineDiff(store.source(parent), store.source(d.id), [
    `designs/${parent}/block.ts`,
    `designs/${d.id}/block.ts`,
  ]);
  io.out(`\n${diff === '' ? '(same as the parent)' : diff}\n`);
}

async function decide(
  store: DesignStore,
  d: DesignRecord,
  accept: boolean,
  io: Io,
  reason?: string,
): Promise<void> {
  if (d.status !== 'pending-review') {
    throw new UsageError(
      `review: ${d.id} is '${d.status}', not waiting for review`,
      'only designs in the queue (blocksmith review) can be accepted or rejected',
    );
  }
  const review = {
    decision: accept ? 'accepted' : 'rejected',
    at: new Date().toISOString(),
    ...(reason !== undefined ? { reason } : {}),
  };
  await store.update(d.id, { status: accept ? 'verified' : 'rejected', review });
  io.out(
    accept
      ? `accepted ${d.id}: it trains at the next 'blocksmith evolve'\n`
      : `rejected ${d.id}: it stays in the tree, never trained or bred\n`,
  );
}

export const reviewCommand: Command = {
  name: 'review',
  summary: 'the review queue of the evolution loop: list, show, accept, reject',
  help: `Usage: blocksmith review --workspace <dir> [show <id> | accept <id> | reject <id>]

With no subcommand, lists the proposals waiting for review. 'show' prints a proposal's summary
and its diff against its parent; 'accept' makes it eligible for training at the next evolve;
'reject' keeps it in the tree but never trains or breeds it. Review takes the store's lock:
stop 'blocksmith evolve' first.

Options:
  --workspace <dir>   the discovery workspace (default: the current folder)
  --reason <text>     why (kept with the decision)
  -h, --help          show this help`,
  options: { workspace: { type: 'string' }, reason: { type: 'string' } },
  async run(p, io) {
    const ws = workspaceArg(p, io, 'review');
    const [verb = 'list', id] = p.positionals;
    if (!['list', 'show', 'accept', 'reject'].includes(verb)) {
      throw new UsageError(
        `review: unknown subcommand '${verb}'`,
        'use: review, review show|accept|reject <id>',
      );
    }
    const store = await openStore(ws, 'review');
    try {
      if (verb === 'list') {
        list(store, io);
      } else if (verb === 'show') {
        show(store, pendingDesign(store, id, verb), io);
      } else {
        await decide(
          store,
          pendingDesign(store, id, verb),
          verb === 'accept',
          io,
          str(p, 'reason'),
        );
      }
      return EXIT_OK;
    } finally {
      await store.close();
    }
  },
};
