// The LLM designer: the Genesys roles over one LLM seam. The proposer picks the unit (unless the
// researcher did) and writes a short proposal; the reviewer rates it 1-5 (passing at 4) beside
// the siblings' summaries; the coder writes the new unit, which is spliced in (replaceUnit) and
// checked (static checks with the protection check, then the caller's verification), and sees
// the findings on its next attempt, up to a bound; the observer gives an optional last look.
// Every outcome is a readable status with the costs so far; nothing here throws for a bad answer.
import { readUnitTree, reachableUnits } from '../units/tree';
import type { CapLimits, SpendingCap } from './budget';
import { buildFromAnswer, verifyBuilt, type CodeOutcome, type VerifyFn } from './coder';
import { parseProposal, parseReview } from './parse';
import { contractText } from './prompts';
import {
  coderMessages,
  coderRetryMessage,
  loadTemplates,
  observerMessages,
  proposerMessages,
  reviewerMessages,
  type PromptContext,
  type ProposalText,
  type Templates,
} from './roles';
import type { DesignFailure, DesignFailureStatus, LlmProposal, Review } from './outcome';
import { Session } from './session';
import { LlmError, type ChatMessage, type LLM, type LlmErrorKind } from './types';

export interface LlmDesignerOptions {
  /** Coder attempts before 'broken-code' (default 3). */
  readonly maxCoderAttempts?: number;
  /** Run the reviewer (default true) and the observer (default false). */
  readonly review?: boolean;
  readonly observe?: boolean;
  /** Lowest passing rating (default 4). */
  readonly passRating?: number;
  /** Dynamic verification after the static checks (e.g. verifySource); static only without it. */
  readonly verify?: VerifyFn;
  /** A cap for each design (a fresh one per propose call). */
  readonly perDesign?: CapLimits;
  /** Caps shared by every design of the run. */
  readonly caps?: readonly SpendingCap[];
  /** The contract text the prompts carry (default: src/gab/contract.d.ts). */
  readonly contract?: string;
  /** Folder of the role templates (default: the package's templates/prompts). */
  readonly promptsDir?: string;
}

export interface ProposeExtra {
  /** Summaries of proposals already made from the same parent, for the reviewer. */
  readonly siblings?: readonly string[];
  readonly signal?: AbortSignal;
}

export interface LlmDesigner {
  propose(
    parent: { readonly id: string; readonly source: string },
    unit?: string,
    instruction?: string,
    extra?: ProposeExtra,
  ): Promise<LlmProposal | DesignFailure>;
}

const STATUS_OF: Readonly<Record<LlmErrorKind, DesignFailureStatus>> = {
  timeout: 'timeout',
  aborted: 'timeout',
  'rate-limited': 'rate-limited',
  'server-error': 'server-error',
  'request-error': 'server-error',
  'budget-exceeded': 'budget-exceeded',
};

/** The LLM designer (see the file header). */
export function llmDesigner(llm: LLM, opts: LlmDesignerOptions = {}): LlmDesigner {
  const templates = loadTemplates(opts.promptsDir);
  return {
    async propose(parent, unit, instruction, extra = {}) {
      const session = new Session(llm, opts, extra.signal);
      try {
        return await run(session, templates, opts, parent, unit, instruction, extra);
      } catch (err) {
        if (err instanceof LlmError) {
          return { status: STATUS_OF[err.kind], message: err.message, costs: session.costs() };
        }
        throw err;
      }
    },
  };
}

type Fail = Omit<DesignFailure, 'costs'>;
type Parent = { readonly id: string; readonly source: string };

async function run(
  s: Session,
  t: Templates,
  opts: LlmDesignerOptions,
  parent: Parent,
  unit: string | undefined,
  instruction: string | undefined,
  extra: ProposeExtra,
): Promise<LlmProposal | DesignFailure> {
  const fail = (f: Fail): DesignFailure => ({ ...f, costs: s.costs() });
  const proposed = await proposeStep(s, t, opts, parent, unit, instruction);
  if ('status' in proposed) {
    return fail(proposed);
  }
  const { ctx, p } = proposed;
  const chosen = ctx.unit ?? '';
  const review = opts.review === false ? undefined : await reviewStep(s, t, opts, ctx, p, extra);
  if (review !== undefined && 'status' in review) {
    return fail(review);
  }
  const reviewed = review === undefined ? {} : { review };
  const coded = await code(s, t, ctx, p, opts);
  if (!coded.outcome.ok) {
    const o = coded.outcome;
    return fail({
      status: o.status,
      message: `the coder failed ${coded.attempts} time(s); last: ${[o.problem, ...o.errors.slice(0, 1)].join(': ')}`,
      unit: chosen,
      summary: p.summary,
      errors: o.errors,
      attempts: coded.attempts,
      ...reviewed,
    });
  }
  const built = coded.outcome;
  const observation =
    opts.observe === true
      ? (await s.ask('observer', observerMessages(t, ctx, p, built.unitText))).trim()
      : undefined;
  return {
    status: 'ok',
    operator: 'mutate',
    parents: [parent.id],
    unit: chosen,
    source: built.source,
    summary: p.summary,
    proposal: p.proposal,
    ...reviewed,
    ...(observation === undefined ? {} : { observation }),
    attempts: coded.attempts,
    verification: built.checks,
    costs: s.costs(),
    message: `'${chosen}' of ${parent.id} rewritten in ${coded.attempts} attempt(s): ${p.summary}`,
  };
}

/** The proposer: the unit (the researcher's, else its choice) and the proposal text. */
async function proposeStep(
  s: Session,
  t: Templates,
  opts: LlmDesignerOptions,
  parent: Parent,
  unit: string | undefined,
  instruction: string | undefined,
): Promise<Fail | { ctx: PromptContext; p: ProposalText }> {
  const units = [...reachableUnits(readUnitTree('parent.ts', parent.source))];
  const known = `(units: ${units.join(', ')})`;
  if (unit !== undefined && !units.includes(unit)) {
    return {
      status: 'wrong-unit',
      message: `design ${parent.id} has no unit '${unit}' ${known}: pick one of them`,
    };
  }
  const ctx0: PromptContext = {
    contract: opts.contract ?? contractText(),
    parentId: parent.id,
    parent: parent.source,
    units,
    unit,
    unitText: unit === undefined ? undefined : unitSource(parent.source, unit),
    instruction,
  };
  const parsed = parseProposal(await s.ask('proposer', proposerMessages(t, ctx0)));
  if (parsed.proposal === '') {
    return {
      status: 'no-code',
      message: 'the proposer answered nothing: try again or use another model',
    };
  }
  const chosen = unit ?? parsed.unit;
  if (chosen === undefined || !units.includes(chosen)) {
    const named = chosen === undefined ? 'no unit' : `'${chosen}'`;
    return {
      status: 'wrong-unit',
      message: `the proposer chose ${named}, which is not a unit of ${parent.id} ${known}`,
    };
  }
  return {
    ctx: { ...ctx0, unit: chosen, unitText: unitSource(parent.source, chosen) },
    p: { summary: parsed.summary, proposal: parsed.proposal },
  };
}

/** The reviewer: its rating and text, or a rejection under the passing rating. */
async function reviewStep(
  s: Session,
  t: Templates,
  opts: LlmDesignerOptions,
  ctx: PromptContext,
  p: ProposalText,
  extra: ProposeExtra,
): Promise<Review | Fail> {
  const review = parseReview(
    await s.ask('reviewer', reviewerMessages(t, ctx, p, extra.siblings ?? [])),
  );
  const pass = opts.passRating ?? 4;
  if (review !== undefined && review.rating >= pass) {
    return review;
  }
  const why =
    review === undefined
      ? 'its answer held no rating 1-5'
      : `rated ${review.rating}/5 (passes at ${pass}): ${review.text}`;
  return {
    status: 'rejected-by-reviewer',
    message: `the reviewer rejected the proposal: ${why}`,
    ...(ctx.unit === undefined ? {} : { unit: ctx.unit }),
    summary: p.summary,
    ...(review === undefined ? {} : { review }),
  };
}

/** The coder's loop: each failed attempt's findings go back as the next user message. */
async function code(
  s: Session,
  t: Templates,
  ctx: PromptContext,
  p: ProposalText,
  opts: LlmDesignerOptions,
): Promise<{ outcome: CodeOutcome; attempts: number }> {
  const unit = ctx.unit ?? '';
  const max = Math.max(1, opts.maxCoderAttempts ?? 3);
  const messages: ChatMessage[] = coderMessages(t, ctx, p);
  let outcome: CodeOutcome | undefined;
  for (let attempt = 1; attempt <= max; attempt++) {
    const answer = await s.ask('coder', messages);
    outcome = buildFromAnswer(answer, ctx.parent, unit);
    if (outcome.ok && opts.verify !== undefined) {
      outcome = await verifyBuilt(outcome, ctx.parent, unit, opts.verify);
    }
    if (outcome.ok) {
      return { outcome, attempts: attempt };
    }
    messages.push({ role: 'assistant', content: answer });
    messages.push(coderRetryMessage(t, ctx, outcome.problem, outcome.errors));
  }
  return { outcome: outcome!, attempts: max };
}

/** The unit's statement as written in the parent (comments and layout kept). */
function unitSource(source: string, unit: string): string {
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
