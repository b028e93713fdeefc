// The review gate's decisions and names, without vscode: what Accept and Reject write, whether
// an accepted proposal must be verified again, the review queue's words, the virtual document
// paths of parents, the diff editor's title and which designer the palette uses.
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import type { DesignRecord } from '../../store/types';
import type { VerifyReport } from '../../verify/types';

/** The virtual document scheme of a parent's read-only block. */
export const PARENT_SCHEME = 'blocksmith-parent';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** What a verification leaves in design.json: the failed checks, and the text it judged. */
export interface VerificationRecord {
  readonly ok: boolean;
  readonly rung: string;
  readonly passed: number;
  readonly failed: VerifyReport['checks'];
  /** sha256 of the block text verified: Accept re-verifies when the file differs. */
  readonly sha256: string;
}

export function verificationRecord(
  report: VerifyReport,
  rung: string,
  text: string,
): VerificationRecord {
  return {
    ok: report.ok,
    rung,
    passed: report.checks.filter((c) => c.ok).length,
    failed: report.checks.filter((c) => !c.ok),
    sha256: sha256(text),
  };
}

/**
 * Whether Accept must verify `text` again: the editor held unsaved edits, the store dropped the
 * verification (block.ts edited by hand), or the verified text's hash differs from `text`.
 */
export function needsReverify(r: DesignRecord, text: string, dirty: boolean): boolean {
  if (dirty) {
    return true;
  }
  const v = r.verification as Partial<VerificationRecord> | undefined;
  if (v === undefined || v.ok !== true) {
    return true;
  }
  return typeof v.sha256 === 'string' && v.sha256 !== sha256(text);
}

export interface ReviewDecision {
  readonly decision: 'accepted' | 'rejected';
  /** ISO time. */
  readonly at: string;
  readonly edited?: boolean;
  readonly reason?: string;
}

export function acceptDecision(edited: boolean, now: Date = new Date()): ReviewDecision {
  return { decision: 'accepted', at: now.toISOString(), edited };
}

export function rejectDecision(reason: string | undefined, now: Date = new Date()): ReviewDecision {
  const why = reason?.trim() ?? '';
  return { decision: 'rejected', at: now.toISOString(), ...(why !== '' ? { reason: why } : {}) };
}

/** Why a design cannot be decided on, or undefined when it waits for review. */
export function notPending(r: DesignRecord | undefined, id: string): string | undefined {
  if (r === undefined) {
    return `there is no design '${id}' in this workspace (was its folder deleted?)`;
  }
  return r.status === 'pending-review'
    ? undefined
    : `${id} is '${r.status}', not waiting for review: only proposals in the Review Queue can be accepted or rejected`;
}

/** The diff editor's title: "<parent> ↔ <id> (proposal)". */
export function diffTitle(parent: string, id: string): string {
  return `${parent} ↔ ${id} (proposal)`;
}

/** The path of a parent's virtual document: /<parent-id>/block.ts. */
export function parentDocPath(parent: string): string {
  return `/${parent}/block.ts`;
}

/** The design id of a parent document's path, or undefined. */
export function parentOfDocPath(path: string): string | undefined {
  const m = /^\/([^/]+)\/block\.ts$/.exec(path);
  return m?.[1];
}

/** The design id of designs/<id>/block.ts under `root`, or undefined for any other file. */
export function designOfFile(root: string, file: string): string | undefined {
  const parts = relative(root, file).split(sep);
  return parts.length === 3 && parts[0] === 'designs' && parts[2] === 'block.ts'
    ? parts[1]
    : undefined;
}

/** The LLM reviewer's rating of a proposal, wherever the designer left it. */
export function reviewRating(r: DesignRecord): number | undefined {
  const direct = (r.review as { rating?: unknown } | undefined)?.rating;
  const detail = (r.proposal as { detail?: { review?: { rating?: unknown } } } | undefined)?.detail;
  const rating = direct ?? detail?.review?.rating;
  return typeof rating === 'number' && Number.isFinite(rating) ? rating : undefined;
}

/** A review-queue row's words. */
export function queueItem(r: DesignRecord): {
  label: string;
  description: string;
  tooltip: string;
} {
  const rating = reviewRating(r);
  const from = r.parents.length > 0 ? r.parents.join(' × ') : 'unit library';
  const bits = [
    ...(rating !== undefined ? [`★ ${rating}/5`] : []),
    `${r.operator} of ${from}${r.unit !== undefined ? ` (${r.unit})` : ''}`,
  ];
  const summary = (r.summary ?? '').trim();
  return {
    label: r.id,
    description: bits.join(' · '),
    tooltip: summary === '' ? `${r.id}: no summary` : summary,
  };
}

/** The pending proposals, oldest first. */
export function pending(records: readonly DesignRecord[]): DesignRecord[] {
  return records.filter((r) => r.status === 'pending-review');
}

export type DesignerChoice =
  | { readonly kind: 'offline'; readonly note?: string }
  | { readonly kind: 'llm'; readonly baseURL: string; readonly model: string };

/** The LLM designer when both the endpoint and the proposer's model are set; else offline. */
export function designerChoice(baseUrl: string, model: string): DesignerChoice {
  const url = baseUrl.trim();
  const m = model.trim();
  if (url !== '' && m !== '') {
    return { kind: 'llm', baseURL: url, model: m };
  }
  if (url === '' && m === '') {
    return { kind: 'offline' };
  }
  return {
    kind: 'offline',
    note:
      url === ''
        ? 'blocksmith.llm.model.proposer is set but blocksmith.llm.baseUrl is empty: using the offline designer'
        : 'blocksmith.llm.baseUrl is set but blocksmith.llm.model.proposer is empty: using the offline designer',
  };
}
