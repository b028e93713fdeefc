// One designer step of the loop: propose (offline: at once; llm: async) -> novelty check (an
// exact or near duplicate, novelty.ts, is refused and recorded, not added) -> verify at the
// lowest rung -> add to the store as 'pending-review' (the gate) or 'verified' (auto-approve),
// or 'invalid' with its report.
import type { DesignRecord, DesignStore, NewDesign } from '../../store';
import { verifySource } from '../../verify';
import type { CheckResult, VerifyReport } from '../../verify/types';
import type { Action } from '../selection';
import { findNearTwin, nearTwinReason } from '../novelty';
import type { StateBook } from './state';

/** What a designer hands the loop: a proposal, or why there is none. */
export type Proposed =
  | {
      readonly kind: 'proposal';
      readonly operator: 'mutate' | 'crossover' | 'scratch';
      readonly parents: string[];
      readonly unit?: string;
      readonly source: string;
      readonly summary: string;
      readonly detail?: unknown;
      readonly costs?: { tokens: number; usd: number };
      /** The verification the designer already ran (the loop's own, at the lowest rung): the
       *  step does not run it again. */
      readonly report?: VerifyReport;
    }
  | {
      readonly kind: 'failure';
      /** A short status (e.g. the LLM designer's 'no-code', 'timeout'), kept with the refusal. */
      readonly status?: string;
      readonly reason: string;
      readonly costs?: { tokens: number; usd: number };
    };

/** The designer seam: the offline designer and the LLM designer both fit it. */
export interface LoopDesigner {
  readonly name: string;
  /** `step` counts designer steps over the workspace's lifetime (a key for seeded randomness). */
  propose(action: Action, store: DesignStore, signal: AbortSignal, step: number): Promise<Proposed>;
}

export interface DesignStep {
  readonly added?: DesignRecord;
  readonly refused?: string;
}

/** The failed checks only (the passing ones say nothing a reader needs). */
const failedChecks = (checks: readonly CheckResult[]): CheckResult[] => checks.filter((c) => !c.ok);

export async function designStep(
  store: DesignStore,
  book: StateBook,
  designer: LoopDesigner,
  action: Action,
  opts: {
    readonly autoApprove: boolean;
    readonly rung: string;
    readonly signal: AbortSignal;
    /** Numbers a near duplicate may differ in (the setting nearDuplicateNumbers; default 0). */
    readonly nearDuplicateNumbers?: number;
  },
): Promise<DesignStep> {
  book.state.steps += 1;
  await book.save();
  const p = await designer.propose(action, store, opts.signal, book.state.steps);
  if (p.costs) {
    book.state.tokens += p.costs.tokens;
    book.state.usd += p.costs.usd;
  }
  const base = { at: new Date().toISOString(), operator: action.operator, parents: action.parents };
  if (p.kind === 'failure') {
    await book.refuse({ ...base, reason: p.reason, ...(p.status ? { status: p.status } : {}) });
    return { refused: p.reason };
  }
  const dup = store.findDuplicate(p.source);
  const twin =
    dup === undefined ? findNearTwin(store, p.source, opts.nearDuplicateNumbers) : undefined;
  const twinId = dup ?? twin?.id;
  if (twinId !== undefined) {
    const reason = twin === undefined ? `duplicate of ${twinId}` : nearTwinReason(twin);
    await book.refuse({
      ...base,
      parents: p.parents,
      status: twin === undefined ? 'duplicate' : 'near-duplicate',
      reason,
      duplicateOf: twinId,
    });
    return { refused: reason };
  }
  const parent = p.operator === 'mutate' ? p.parents.at(0) : undefined;
  const report =
    p.report ??
    (await verifySource('block.ts', p.source, {
      rung: opts.rung,
      ...(parent !== undefined && p.unit !== undefined
        ? { parentSource: store.source(parent), editedUnit: p.unit }
        : {}),
    }));
  const passed = report.checks.filter((c) => c.ok).length;
  const rec: NewDesign = {
    parents: p.parents,
    operator: p.operator,
    ...(p.unit !== undefined ? { unit: p.unit } : {}),
    summary: p.summary,
    proposal: { designer: designer.name, ...(p.detail !== undefined ? { detail: p.detail } : {}) },
    verification: { ok: report.ok, rung: opts.rung, passed, failed: failedChecks(report.checks) },
    costs: p.costs ?? { tokens: 0, usd: 0 },
    status: !report.ok ? 'invalid' : opts.autoApprove ? 'verified' : 'pending-review',
  };
  return { added: await store.add(p.source, rec) };
}
