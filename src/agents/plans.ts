// The first step of each operator (the proposer's call) and the Plan it yields: what the
// reviewer, the coder and the observer then work on. Mutation rewrites one unit of a parent;
// crossover rewrites the slot of the kept parent into what the taken unit of the other does;
// scratch writes a whole file from the unit library. The rest of the pipeline (designer.ts) is
// the same for all three.
import { readUnitTree, reachableUnits } from '../units/tree';
import { buildFromAnswer, buildWholeFile, type CodeOutcome } from './coder';
import type { DesignFailure } from './outcome';
import {
  crossCoderMessages,
  crossProposerMessages,
  crossRetryMessage,
  crossReviewerMessages,
  scratchCoderMessages,
  scratchProposerMessages,
  scratchRetryMessage,
  scratchReviewerMessages,
  type CrossContext,
  type OperatorTemplates,
  type ScratchContext,
} from './operator-roles';
import { parseProposal } from './parse';
import {
  coderMessages,
  coderRetryMessage,
  observerMessages,
  proposerMessages,
  reviewerMessages,
  type PromptContext,
  type ProposalText,
  type Templates,
} from './roles';
import type { ChatMessage } from './types';

export type Fail = Omit<DesignFailure, 'costs'>;
export type Parent = { readonly id: string; readonly source: string };
export type Ask = (role: 'proposer', messages: readonly ChatMessage[]) => Promise<string>;

/** What the reviewer, coder and observer work on once the proposer has answered. */
export interface Plan {
  readonly operator: 'mutate' | 'crossover' | 'scratch';
  readonly parents: string[];
  /** The unit the coder writes ('' for scratch: the whole file). */
  readonly unit: string;
  readonly took?: string;
  readonly p: ProposalText;
  reviewer(siblings: readonly string[], near: readonly string[]): ChatMessage[];
  coder(): ChatMessage[];
  retry(problem: string, errors: readonly string[]): ChatMessage;
  /** The answer as a checked source (static checks; the protection check where a parent is kept). */
  build(answer: string): CodeOutcome;
  /** The kept parent's source, for the caller's verification (none for scratch). */
  readonly parentSource: string | undefined;
  observer(newText: string): ChatMessage[] | undefined;
  what(attempts: number): string;
}

const unitsOf = (source: string): string[] => [
  ...reachableUnits(readUnitTree('parent.ts', source)),
];

/** The unit's statement as written in `source` (comments and layout kept); '' if absent. */
export function unitSource(source: string, unit: string): string {
  const node = readUnitTree('parent.ts', source).units.find((u) => u.name === unit);
  if (node === undefined) {
    return '';
  }
  const { start, end } = node.range;
  const picked = source.split('\n').slice(start.line - 1, end.line);
  // Cut the last line first: on a one-line unit, cutting the first shifts the end column.
  picked[picked.length - 1] = (picked.at(-1) ?? '').slice(0, end.column - 1);
  picked[0] = (picked[0] ?? '').slice(start.column - 1);
  return picked.join('\n');
}

function noProposal(): Fail {
  return {
    status: 'no-code',
    message: 'the proposer answered nothing: try again or use another model',
  };
}

/** The plan of a mutation of one unit of `ctx.parent` (ctx.unit set). */
function mutationPlan(t: Templates, ctx: PromptContext, p: ProposalText, id: string): Plan {
  const unit = ctx.unit ?? '';
  return {
    operator: 'mutate',
    parents: [id],
    unit,
    p,
    reviewer: (siblings, near) => reviewerMessages(t, ctx, p, siblings, near),
    coder: () => coderMessages(t, ctx, p),
    retry: (problem, errors) => coderRetryMessage(t, ctx, problem, errors),
    build: (answer) => buildFromAnswer(answer, ctx.parent, unit),
    parentSource: ctx.parent,
    observer: (newText) => observerMessages(t, ctx, p, newText),
    what: (n) => `'${unit}' of ${id} rewritten in ${n} attempt(s): ${p.summary}`,
  };
}

/** The proposer of a mutation: the unit (the researcher's, else its choice) and the text. */
export async function proposeMutation(
  ask: Ask,
  t: Templates,
  base: Omit<PromptContext, 'parentId' | 'parent' | 'units' | 'unit' | 'unitText'>,
  parent: Parent,
  unit: string | undefined,
): Promise<Fail | Plan> {
  const units = unitsOf(parent.source);
  const known = `(units: ${units.join(', ')})`;
  if (unit !== undefined && !units.includes(unit)) {
    return {
      status: 'wrong-unit',
      message: `design ${parent.id} has no unit '${unit}' ${known}: pick one of them`,
    };
  }
  const ctx0: PromptContext = {
    ...base,
    parentId: parent.id,
    parent: parent.source,
    units,
    unit,
    unitText: unit === undefined ? undefined : unitSource(parent.source, unit),
  };
  const parsed = parseProposal(await ask('proposer', proposerMessages(t, ctx0)));
  if (parsed.proposal === '') {
    return noProposal();
  }
  const chosen = unit ?? parsed.unit;
  if (chosen === undefined || !units.includes(chosen)) {
    const named = chosen === undefined ? 'no unit' : `'${chosen}'`;
    return {
      status: 'wrong-unit',
      message: `the proposer chose ${named}, which is not a unit of ${parent.id} ${known}`,
    };
  }
  const ctx = { ...ctx0, unit: chosen, unitText: unitSource(parent.source, chosen) };
  return mutationPlan(t, ctx, { summary: parsed.summary, proposal: parsed.proposal }, parent.id);
}

/** The proposer of a crossover: `take.unit` of `b` goes into the place of `take.slot` of `a`. */
export async function proposeCrossover(
  ask: Ask,
  t: OperatorTemplates,
  base: Omit<PromptContext, 'parentId' | 'parent' | 'units' | 'unit' | 'unitText'>,
  a: Parent,
  b: Parent,
  take: { readonly unit: string; readonly slot: string },
): Promise<Fail | Plan> {
  const unitsA = unitsOf(a.source);
  const unitsB = unitsOf(b.source);
  if (!unitsA.includes(take.slot) || !unitsB.includes(take.unit)) {
    const [id, name, list] = unitsA.includes(take.slot)
      ? [b.id, take.unit, unitsB]
      : [a.id, take.slot, unitsA];
    return {
      status: 'wrong-unit',
      message: `design ${id} has no unit '${name}' (units: ${list.join(', ')}): pick one of them`,
    };
  }
  const ctx: CrossContext = {
    ...base,
    parentId: a.id,
    parent: a.source,
    units: unitsA,
    unit: take.slot,
    unitText: unitSource(a.source, take.slot),
    otherId: b.id,
    other: b.source,
    take: take.unit,
    takeText: unitSource(b.source, take.unit),
  };
  const parsed = parseProposal(await ask('proposer', crossProposerMessages(t, ctx)));
  if (parsed.proposal === '') {
    return noProposal();
  }
  const p = { summary: parsed.summary, proposal: parsed.proposal };
  return {
    operator: 'crossover',
    parents: [a.id, b.id],
    unit: take.slot,
    took: take.unit,
    p,
    reviewer: (siblings, near) => crossReviewerMessages(t, ctx, p, siblings, near),
    coder: () => crossCoderMessages(t, ctx, p),
    retry: (problem, errors) => crossRetryMessage(t, ctx, problem, errors),
    build: (answer) => buildFromAnswer(answer, a.source, take.slot),
    parentSource: a.source,
    observer: () => undefined,
    what: (n) =>
      `'${take.unit}' of ${b.id} written into the place of '${take.slot}' of ${a.id} in ${n} attempt(s): ${p.summary}`,
  };
}

/** The proposer of a scratch design from the unit library. */
export async function proposeScratch(
  ask: Ask,
  t: OperatorTemplates,
  ctx: ScratchContext,
): Promise<Fail | Plan> {
  const parsed = parseProposal(await ask('proposer', scratchProposerMessages(t, ctx)));
  if (parsed.proposal === '') {
    return noProposal();
  }
  const p = { summary: parsed.summary, proposal: parsed.proposal };
  return {
    operator: 'scratch',
    parents: [],
    unit: '',
    p,
    reviewer: (_siblings, near) => scratchReviewerMessages(t, ctx, p, near),
    coder: () => scratchCoderMessages(t, ctx, p),
    retry: (problem, errors) => scratchRetryMessage(t, ctx, problem, errors),
    build: (answer) => buildWholeFile(answer),
    parentSource: undefined,
    observer: () => undefined,
    what: (n) => `a new design from the unit library in ${n} attempt(s): ${p.summary}`,
  };
}
