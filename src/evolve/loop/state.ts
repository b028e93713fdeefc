// The loop's own record in the store (budget 'evolve' of .blocksmith/db.json): training runs
// written ahead of the trainer (so a restart resumes them), refused proposals, LLM spend. Every
// change is written through the store before the action it announces.
import type { DesignStore } from '../../store';

export const STATE_KEY = 'evolve';

export type RunState = 'training' | 'completed' | 'failed';

/** One training run of a design at a rung, recorded before its trainer starts. */
export interface RunRecord {
  readonly id: string;
  readonly rung: string;
  readonly runDir: string;
  readonly steps: number;
  status: RunState;
  /** The trainer's pid while it runs: a restart ends an orphan left by a killed loop. */
  pid?: number;
  message?: string;
  startedAt: string;
  finishedAt?: string;
}

/** A proposal refused before it entered the store (a duplicate, or a designer failure). */
export interface Refusal {
  readonly at: string;
  readonly reason: string;
  /** A short status when the designer gave one (e.g. 'no-code', 'rate-limited', 'duplicate'). */
  readonly status?: string;
  readonly operator?: string;
  readonly parents?: readonly string[];
  readonly duplicateOf?: string;
}

export interface LoopState {
  /** Keyed `<id>@<rung>`. */
  runs: Record<string, RunRecord>;
  /** Proposals refused over the workspace's lifetime (the last 50 kept, all counted). */
  refusedCount: number;
  refused: Refusal[];
  /** LLM spend over the workspace's lifetime. */
  tokens: number;
  usd: number;
  /** Designer steps taken: keys the designer's randomness, so a restart does not replay them. */
  steps: number;
}

export const runKey = (id: string, rung: string): string => `${id}@${rung}`;

function emptyState(): LoopState {
  return { runs: {}, refusedCount: 0, refused: [], tokens: 0, usd: 0, steps: 0 };
}

/** The loop's state as stored (lenient: a missing or damaged field gets its default). */
export function readState(store: DesignStore): LoopState {
  const raw = store.budget(STATE_KEY);
  const s = emptyState();
  if (typeof raw !== 'object' || raw === null) {
    return s;
  }
  const r = raw as { [K in keyof LoopState]?: unknown };
  return {
    runs:
      typeof r.runs === 'object' && r.runs !== null
        ? (r.runs as Record<string, RunRecord>)
        : s.runs,
    refusedCount: typeof r.refusedCount === 'number' ? r.refusedCount : 0,
    refused: Array.isArray(r.refused) ? (r.refused as Refusal[]) : [],
    tokens: typeof r.tokens === 'number' ? r.tokens : 0,
    usd: typeof r.usd === 'number' ? r.usd : 0,
    steps: typeof r.steps === 'number' ? r.steps : 0,
  };
}

/** Holds the state in memory and writes each change through the store, in order. */
export class StateBook {
  constructor(
    private readonly store: DesignStore,
    readonly state: LoopState = readState(store),
  ) {}

  save(): Promise<void> {
    return this.store.setBudget(STATE_KEY, this.state);
  }

  refuse(r: Refusal): Promise<void> {
    this.state.refusedCount += 1;
    this.state.refused = [...this.state.refused, r].slice(-50);
    return this.save();
  }

  /** The run records of a design, lowest rung order not implied. */
  runsOf(id: string): RunRecord[] {
    return Object.values(this.state.runs).filter((r) => r.id === id);
  }
}
