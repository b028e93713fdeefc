// Every run folder's curves, kept up to date by incremental reads of its metrics.jsonl: the
// dashboard's snapshot takes all series, a file change yields only the new points ('curve-append').
// vscode-free; the host decides when to poll (file watcher, timer).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CurveSeries, HostMessage } from '../../shared/dashboard-protocol';
import type { TrainerMessage } from '../../train/protocol';
import { curveKey, MetricsTail, RunCurves, runOfMetrics, type Points } from './dash-metrics';

type CurveAppend = Extract<HostMessage, { type: 'curve-append' }>;

interface Tracked {
  readonly tail: MetricsTail;
  readonly curves: RunCurves;
}

/** What one poll found: points to append, messages seen, and whether a snapshot is due. */
export interface CurveUpdate {
  readonly appends: CurveAppend[];
  /** A curve started over (a fresh run, a rewritten file): resend the snapshot. */
  readonly resnapshot: boolean;
  /** The new messages per run folder (the host derives the training status from them). */
  readonly messages: { design: string; rung: string; messages: TrainerMessage[] }[];
}

/** The metrics.jsonl files under <root>/.blocksmith/runs/<design>/<rung>/. */
export function metricsFiles(root: string): string[] {
  const runs = join(root, '.blocksmith', 'runs');
  const out: string[] = [];
  for (const design of safeDir(runs)) {
    for (const rung of safeDir(join(runs, design))) {
      const f = join(runs, design, rung, 'metrics.jsonl');
      if (existsSync(f)) {
        out.push(f);
      }
    }
  }
  return out.sort();
}

function safeDir(dir: string): string[] {
  try {
    return readdirSync(dir).filter(
      (n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory(),
    );
  } catch {
    return [];
  }
}

export class CurveBook {
  private readonly runs = new Map<string, Tracked>();

  constructor(readonly root: string) {}

  /** Reads every run folder (new ones found by a scan) and returns what changed. */
  pollAll(): CurveUpdate {
    return this.merge(metricsFiles(this.root).map((f) => this.poll(f)));
  }

  /** Reads one metrics.jsonl from where it was left. */
  poll(file: string): CurveUpdate {
    let t = this.runs.get(file);
    if (t === undefined) {
      const { design, rung } = runOfMetrics(file);
      t = { tail: new MetricsTail(file), curves: new RunCurves(design, rung) };
      this.runs.set(file, t);
    }
    const { messages, reset } = t.tail.read();
    if (reset) {
      t.curves.train = { tokens: [], loss: [] };
      t.curves.val = { tokens: [], loss: [] };
    }
    const delta = t.curves.add(messages);
    const { design, rung } = t.curves;
    const appends = [
      append(design, rung, 'train', delta.train),
      append(design, rung, 'val', delta.val),
    ].filter((a): a is CurveAppend => a !== undefined);
    return {
      appends: delta.restarted || reset ? [] : appends,
      resnapshot: delta.restarted || reset,
      messages: messages.length > 0 ? [{ design, rung, messages }] : [],
    };
  }

  /** Every curve with at least one point, for a snapshot. */
  series(): CurveSeries[] {
    const out: CurveSeries[] = [];
    for (const { curves } of [...this.runs.values()]) {
      for (const kind of ['train', 'val'] as const) {
        const p = curves[kind];
        if (p.tokens.length > 0) {
          out.push({
            key: curveKey(curves.design, curves.rung, kind),
            design: curves.design,
            rung: curves.rung,
            kind,
            tokens: p.tokens,
            loss: p.loss,
          });
        }
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private merge(updates: CurveUpdate[]): CurveUpdate {
    return {
      appends: updates.flatMap((u) => u.appends),
      resnapshot: updates.some((u) => u.resnapshot),
      messages: updates.flatMap((u) => u.messages),
    };
  }
}

function append(
  design: string,
  rung: string,
  kind: 'train' | 'val',
  p: Points,
): CurveAppend | undefined {
  if (p.tokens.length === 0) {
    return undefined;
  }
  return {
    type: 'curve-append',
    key: curveKey(design, rung, kind),
    design,
    rung,
    kind,
    tokens: p.tokens,
    loss: p.loss,
  };
}

/** Appends of the same curve merged, in order (coalescing several polls into one post each). */
export function mergeAppends(list: readonly CurveAppend[]): CurveAppend[] {
  const byKey = new Map<string, CurveAppend>();
  for (const a of list) {
    const prev = byKey.get(a.key);
    byKey.set(
      a.key,
      prev === undefined
        ? a
        : {
            ...prev,
            tokens: [...prev.tokens, ...a.tokens],
            loss: [...prev.loss, ...a.loss],
          },
    );
  }
  return [...byKey.values()];
}
