// The one typed message protocol between the extension host (src/extension/dashboard*.ts) and the
// dashboard webview (webview/src). Both sides import this file; it has no imports of its own, so
// it bundles into the webview unchanged. Every message is a plain JSON object with a `type`.

/** One design of the evolution tree, as the dashboard draws it. */
export interface DesignNode {
  readonly id: string;
  readonly parents: readonly string[];
  /** seed | mutate | crossover | scratch | manual */
  readonly operator: string;
  /** The store's status: pending-review, verified, training, trained, invalid, rejected, failed... */
  readonly status: string;
  /** The unit a mutation edited. */
  readonly unit?: string;
  /** First line of the proposer's summary. */
  readonly summary?: string;
  /** Fitness at the highest rung reached (the Genesys confidence order); absent when untrained. */
  readonly fitness?: number;
  /** The highest rung with a completed run. */
  readonly rung?: string;
  /** ISO time the design was added. */
  readonly createdAt: string;
}

/** One row of a rung's leaderboard (best first). */
export interface LeaderRow {
  readonly id: string;
  readonly fitness: number;
  readonly valLoss: number;
  /** Laptop rungs: validation bits per byte. */
  readonly bitsPerByte?: number;
  /** Probe accuracies by probe name (0..1). */
  readonly probes: Readonly<Record<string, number>>;
  readonly tokensPerSec: number;
}

export interface Leaderboard {
  readonly rung: string;
  readonly rows: readonly LeaderRow[];
}

/**
 * A loss curve of one run, x = tokens trained, y = loss (nats/token). Columnar (two equal-length
 * arrays) so 100k points cost two typed copies, not 100k objects.
 */
export interface CurveSeries {
  /** `${design}@${rung}:${kind}`: unique per curve; appends name it. */
  readonly key: string;
  readonly design: string;
  readonly rung: string;
  readonly kind: 'train' | 'val';
  readonly tokens: readonly number[];
  readonly loss: readonly number[];
}

/** The run in progress, for the header and the status bar. */
export interface TrainingStatus {
  readonly design: string;
  readonly rung: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly tokensPerSec: number;
  readonly etaMs: number;
  readonly loss: number;
  /** Set while an evolution loop drives the training. */
  readonly evolving?: boolean;
}

export interface Spending {
  readonly tokens: number;
  readonly usd: number;
  /** The caps in force (absent: none). */
  readonly maxTokens?: number;
  readonly maxUsd?: number;
  /** Spending per design id, for the designs that cost anything. */
  readonly byDesign: Readonly<Record<string, { tokens: number; usd: number }>>;
}

/** Everything the detail pane shows for one design. */
export interface DesignDetail {
  readonly id: string;
  readonly node: DesignNode;
  /** The proposal's text (proposer's summary and rationale). */
  readonly proposal?: string;
  /** Review rating 1..5 and its text, or the researcher's decision. */
  readonly review?: {
    readonly rating?: number;
    readonly text?: string;
    readonly decision?: string;
  };
  /** Failed checks of the last verification, one line each. */
  readonly verification?: readonly string[];
  /** report.json of each completed run, summarised: rung -> figures. */
  readonly runs: readonly {
    readonly rung: string;
    readonly status: string;
    readonly valLoss?: number;
    readonly bitsPerByte?: number;
    readonly tokensPerSec?: number;
    readonly probes: Readonly<Record<string, number>>;
    readonly wallMs?: number;
  }[];
  /** Unified diff against the first parent ('' when there is no parent). */
  readonly diff: string;
}

/** Host -> webview. */
export type HostMessage =
  | {
      /** The whole state: sent on `ready` and whenever the panel is (re)created. */
      readonly type: 'snapshot';
      readonly workspace: string;
      readonly designs: readonly DesignNode[];
      readonly leaderboards: readonly Leaderboard[];
      readonly curves: readonly CurveSeries[];
      readonly spending: Spending;
      readonly training: TrainingStatus | null;
    }
  | {
      /** The design list changed (added, status, fitness). */
      readonly type: 'designs';
      readonly designs: readonly DesignNode[];
      readonly leaderboards: readonly Leaderboard[];
    }
  | {
      /** New points at the end of a curve (created if the key is new). */
      readonly type: 'curve-append';
      readonly key: string;
      readonly design: string;
      readonly rung: string;
      readonly kind: 'train' | 'val';
      readonly tokens: readonly number[];
      readonly loss: readonly number[];
    }
  | { readonly type: 'training'; readonly status: TrainingStatus | null }
  | { readonly type: 'spending'; readonly spending: Spending }
  | { readonly type: 'detail'; readonly detail: DesignDetail }
  /** Select a design (the tree's "Show in Dashboard"): the webview asks for its detail. */
  | { readonly type: 'focus'; readonly id: string }
  /** Something went wrong on the host side that the panel should show (e.g. an unreadable run). */
  | {
      readonly type: 'notice';
      readonly level: 'info' | 'warning' | 'error';
      readonly text: string;
    };

/** Webview -> host. */
export type WebviewMessage =
  /** The webview loaded (or reloaded): the host answers with a snapshot. */
  | { readonly type: 'ready' }
  /** The user selected a design: the host answers with its detail. */
  | { readonly type: 'select'; readonly id: string }
  | { readonly type: 'open-block'; readonly id: string }
  | { readonly type: 'open-diff'; readonly id: string }
  | { readonly type: 'open-report'; readonly id: string; readonly rung?: string }
  | { readonly type: 'train'; readonly id: string }
  | { readonly type: 'stop-training' };

/** What the webview keeps with vscode.setState (restored on hide/show and reload). */
export interface WebviewState {
  readonly selected?: string;
  readonly tab?: 'curves' | 'leaderboard' | 'tree' | 'spending';
  /** Curve keys the user hid. */
  readonly hidden?: readonly string[];
  readonly rung?: string;
}

const HOST_TYPES = new Set([
  'snapshot',
  'designs',
  'curve-append',
  'training',
  'spending',
  'detail',
  'focus',
  'notice',
]);
const WEBVIEW_TYPES = new Set([
  'ready',
  'select',
  'open-block',
  'open-diff',
  'open-report',
  'train',
  'stop-training',
]);

const typed = (m: unknown): string | undefined =>
  typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string'
    ? (m as { type: string }).type
    : undefined;

/** A message from the host, or undefined when `m` is not one (a webview ignores it). */
export function asHostMessage(m: unknown): HostMessage | undefined {
  const t = typed(m);
  return t !== undefined && HOST_TYPES.has(t) ? (m as HostMessage) : undefined;
}

/** A message from the webview, or undefined when `m` is not one; ids must be strings. */
export function asWebviewMessage(m: unknown): WebviewMessage | undefined {
  const t = typed(m);
  if (t === undefined || !WEBVIEW_TYPES.has(t)) {
    return undefined;
  }
  const id = (m as { id?: unknown }).id;
  if (t !== 'ready' && t !== 'stop-training' && typeof id !== 'string') {
    return undefined;
  }
  return m as WebviewMessage;
}
