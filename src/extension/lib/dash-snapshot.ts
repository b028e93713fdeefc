// The dashboard's whole state, assembled from disk: the store's records (read without the lock, so
// it works while `blocksmith evolve` or the extension's loop writes), every run's report.json and
// metrics.jsonl, and the loop's spending. vscode-free.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from '../../evolve/loop/state';
import { readRunReport } from '../../ladder/reports';
import { DesignStore, type DesignRecord } from '../../store';
import type {
  DesignDetail,
  HostMessage,
  Spending,
  TrainingStatus,
} from '../../shared/dashboard-protocol';
import type { RunReport } from '../../train/report';
import type { CurveBook } from './dash-curves';
import { designDetail, designsAndBoards, readReports, spendingOf } from './dash-data';

type Snapshot = Extract<HostMessage, { type: 'snapshot' }>;
type Designs = Extract<HostMessage, { type: 'designs' }>;

/** The store's records and the loop's lifetime spend; an empty workspace gives none. */
export async function readWorkspace(
  root: string,
): Promise<{ designs: DesignRecord[]; loop: { tokens: number; usd: number } | undefined }> {
  if (!existsSync(join(root, 'designs'))) {
    return { designs: [], loop: undefined };
  }
  const store = await DesignStore.open(root, { readOnly: true });
  try {
    const s = readState(store);
    return { designs: store.list(), loop: { tokens: s.tokens, usd: s.usd } };
  } finally {
    await store.close();
  }
}

export const runDirIn = (root: string, id: string, rung: string): string =>
  join(root, '.blocksmith', 'runs', id, rung);

/** Reads report.json files under `root`. */
export function reportsIn(root: string): (id: string, rung: string) => RunReport | undefined {
  return (id, rung) => readRunReport(runDirIn(root, id, rung));
}

/** The designs and leaderboards message. */
export function designsMessage(
  root: string,
  designs: readonly DesignRecord[],
): Designs & { reports: Map<string, Map<string, RunReport>> } {
  const reports = readReports(designs, reportsIn(root));
  return { type: 'designs', ...designsAndBoards(designs, reports), reports };
}

export interface SnapshotInput {
  readonly root: string;
  readonly designs: readonly DesignRecord[];
  readonly loop: { tokens: number; usd: number } | undefined;
  readonly caps: { maxTokens?: number; maxUsd?: number };
  readonly curves: CurveBook;
  readonly training: TrainingStatus | null;
}

/** The snapshot message (curves as the book holds them: poll it first). */
export function buildSnapshot(i: SnapshotInput): Snapshot {
  const d = designsMessage(i.root, i.designs);
  const spending: Spending = spendingOf(i.designs, i.loop, i.caps);
  return {
    type: 'snapshot',
    workspace: i.root,
    designs: d.designs,
    leaderboards: d.leaderboards,
    curves: i.curves.series(),
    spending,
    training: i.training,
  };
}

/** One design's detail, or undefined when the id is not in the store. */
export function detailOf(
  root: string,
  designs: readonly DesignRecord[],
  id: string,
): DesignDetail | undefined {
  const d = designs.find((x) => x.id === id);
  if (d === undefined) {
    return undefined;
  }
  // the node's fitness is normalised against the GPT seed's run: it needs every design's runs
  const msg = designsMessage(root, designs);
  const node = msg.designs.find((n) => n.id === id);
  if (node === undefined) {
    return undefined;
  }
  const source = (x: string): string | undefined => {
    try {
      return readFileSync(join(root, 'designs', x, 'block.ts'), 'utf8');
    } catch {
      return undefined;
    }
  };
  return designDetail(d, node, msg.reports.get(id), source);
}
