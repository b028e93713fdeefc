// The evolution tree's shape and words, from design records alone (no vscode): designs nest
// under their first parent (seeds and designs whose first parent is gone sit at the top level),
// each with an icon by status, fitness at the highest rung reached, a tooltip and the
// contextValue the manifest's menus test (`blocksmith.design hasParent hasReport trainable`).
import { RUNGS } from '../../ladder/rungs';
import type { DesignRecord, DesignStatus } from '../../store/types';

export interface DesignNode {
  /** The design id (also what the tree's commands receive as `arg.id`). */
  readonly id: string;
  readonly record: DesignRecord;
  readonly children: DesignNode[];
}

/** Designs as a forest by first parent, oldest first at every level; never loses a record. */
export function buildTree(records: readonly DesignRecord[]): DesignNode[] {
  const nodes = new Map<string, DesignNode>(
    records.map((r) => [r.id, { id: r.id, record: r, children: [] }]),
  );
  const roots: DesignNode[] = [];
  for (const r of records) {
    const node = nodes.get(r.id);
    const parent = r.parents.at(0);
    const up = parent === undefined || parent === r.id ? undefined : nodes.get(parent);
    if (node !== undefined) {
      (up?.children ?? roots).push(node);
    }
  }
  // A cycle of hand-edited parents would hide its designs: lift the unreached ones to the top.
  const reached = new Set<string>();
  const walk = (n: DesignNode): void => {
    if (!reached.has(n.id)) {
      reached.add(n.id);
      n.children.forEach(walk);
    }
  };
  roots.forEach(walk);
  for (const n of nodes.values()) {
    if (!reached.has(n.id)) {
      // Cut it from its parent, which the cycle leads back to, so nesting ends.
      const up = nodes.get(n.record.parents.at(0) ?? '');
      up?.children.splice(up.children.indexOf(n), 1);
      roots.push(n);
      walk(n);
    }
  }
  return roots;
}

const ICONS: Readonly<Record<DesignStatus, { icon: string; color?: string }>> = {
  proposed: { icon: 'circle-large-outline' },
  'pending-review': { icon: 'eye', color: 'charts.yellow' },
  verified: { icon: 'pass', color: 'testing.iconPassed' },
  queued: { icon: 'clock' },
  training: { icon: 'sync~spin', color: 'charts.blue' },
  trained: { icon: 'beaker', color: 'testing.iconPassed' },
  invalid: { icon: 'error', color: 'testing.iconFailed' },
  rejected: { icon: 'circle-slash', color: 'disabledForeground' },
  failed: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
};

/** The codicon (and theme colour id) of a status. */
export function statusIcon(status: DesignStatus): { icon: string; color?: string } {
  return ICONS[status];
}

/** Rung order: the ladder's, smallest first; unknown names before every known rung. */
function rungRank(name: string): number {
  return RUNGS.findIndex((r) => r.name === name);
}

/** The fitness at the highest rung a design reached, or undefined. */
export function topFitness(r: DesignRecord): { rung: string; value: number } | undefined {
  const entries = Object.entries(r.fitness ?? {}).filter(([, v]) => Number.isFinite(v));
  entries.sort((a, b) => rungRank(a[0]) - rungRank(b[0]));
  const top = entries.at(-1);
  return top === undefined ? undefined : { rung: top[0], value: top[1] };
}

export const fmtFitness = (v: number): string => v.toFixed(3);

/** The tree item's description: fitness at the highest rung, the other parents, the status. */
export function describe(r: DesignRecord): string {
  const parts: string[] = [];
  const top = topFitness(r);
  if (top !== undefined) {
    parts.push(`${fmtFitness(top.value)} @ ${top.rung}`);
  }
  const others = r.parents.slice(1);
  if (others.length > 0) {
    parts.push(`× ${others.join(' × ')}`);
  }
  if (top === undefined || r.status !== 'trained') {
    parts.push(r.status);
  }
  return parts.join(' · ');
}

/** Markdown special characters escaped, for text a model or a user wrote. */
export function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** The tooltip, as Markdown: status, operator, unit, parents, summary, fitness by rung. */
export function tooltipMarkdown(r: DesignRecord): string {
  const lines = [`**${escapeMd(r.id)}** · ${r.status}`, ''];
  const from = r.parents.length > 0 ? ` of ${r.parents.map(escapeMd).join(' × ')}` : '';
  lines.push(`*${r.operator}*${from}${r.unit !== undefined ? ` · unit \`${r.unit}\`` : ''}`);
  if (r.summary !== undefined && r.summary !== '') {
    lines.push('', escapeMd(r.summary));
  }
  const fit = Object.entries(r.fitness ?? {}).sort((a, b) => rungRank(a[0]) - rungRank(b[0]));
  if (fit.length > 0) {
    lines.push('', '| rung | fitness |', '|---|---|');
    lines.push(...fit.map(([rung, v]) => `| ${escapeMd(rung)} | ${fmtFitness(v)} |`));
  }
  return lines.join('\n');
}

const TRAINABLE: ReadonlySet<DesignStatus> = new Set(['verified', 'queued', 'trained', 'failed']);

/** The contextValue the manifest's `viewItem =~` clauses test. */
export function contextValue(r: DesignRecord, hasReport: boolean): string {
  const words = ['blocksmith.design'];
  if (r.parents.length > 0) {
    words.push('hasParent');
  }
  if (hasReport) {
    words.push('hasReport');
  }
  if (TRAINABLE.has(r.status)) {
    words.push('trainable');
  }
  return words.join(' ');
}
