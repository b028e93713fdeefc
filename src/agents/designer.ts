// The LLM designer: the Genesys roles over one LLM seam, for the three operators. The proposer
// writes a short proposal (for a mutation it also picks the unit, unless the researcher did; a
// crossover is told the unit to take and its place; scratch gets the unit library); the reviewer
// rates it 1-5 (passing at 4) beside the siblings and the designs of the tree that read like it;
// the coder writes the code, which is checked (static checks with the protection check where a
// parent is kept, then the caller's verification), and sees the findings on its next attempt, up
// to a bound; the observer gives an optional last look. Every outcome is a readable status with
// the costs so far; nothing here throws for a bad answer.
import { readUnitTree } from '../units/tree';
import type { CapLimits, SpendingCap } from './budget';
import { verifyBuilt, type CodeOutcome, type VerifyFn } from './coder';
import { loadOperatorTemplates, type LibraryEntry, type OperatorTemplates } from './operator-roles';
import type { DesignFailure, DesignFailureStatus, LlmProposal, Review } from './outcome';
import { parseReview } from './parse';
import {
  proposeCrossover,
  proposeMutation,
  proposeScratch,
  type Fail,
  type Parent,
  type Plan,
} from './plans';
import { contractText } from './prompts';
import { loadTemplates } from './roles';
import { Session } from './session';
import { nearSummaries, type KnownDesign } from './similar';
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
  /** Summary similarity (word Jaccard, 0-1) from which a design of the tree is shown to the
   *  reviewer as a near duplicate (default 0.35). */
  readonly nearSummary?: number;
}

export interface ProposeExtra {
  /** Summaries of proposals already made from the same parent, for the reviewer. */
  readonly siblings?: readonly string[];
  /** The designs of the tree: those whose summary reads like the proposal go to the reviewer. */
  readonly known?: readonly KnownDesign[];
  readonly signal?: AbortSignal;
}

/** What a scratch design is built from. */
export interface ScratchInput {
  readonly library: readonly LibraryEntry[];
  /** A block file showing the form (e.g. the GPT seed). */
  readonly example: Parent;
}

type Outcome = Promise<LlmProposal | DesignFailure>;

export interface LlmDesigner {
  /** Mutation: one unit of `parent` (the researcher's `unit`, else the proposer's choice). */
  propose(parent: Parent, unit?: string, instruction?: string, extra?: ProposeExtra): Outcome;
  /** Crossover: unit `take.unit` of `b` takes the place of unit `take.slot` of `a`. */
  crossover(
    a: Parent,
    b: Parent,
    take: { readonly unit: string; readonly slot: string },
    instruction?: string,
    extra?: ProposeExtra,
  ): Outcome;
  /** Scratch: a new block composed from the unit library. */
  scratch(input: ScratchInput, instruction?: string, extra?: ProposeExtra): Outcome;
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
  let opTemplates: OperatorTemplates | undefined;
  // Loaded at first use: a researcher's own prompts folder written for mutation alone still works.
  const ops = (): OperatorTemplates => (opTemplates ??= loadOperatorTemplates(opts.promptsDir));
  const contract = (): string => opts.contract ?? contractText();
  const base = (instruction: string | undefined) => ({ contract: contract(), instruction });
  const guarded = async (
    extra: ProposeExtra,
    first: (ask: Session['ask']) => Promise<Fail | Plan>,
  ): Outcome => {
    const session = new Session(llm, opts, extra.signal);
    try {
      const plan = await first((role, messages) => session.ask(role, messages));
      return 'status' in plan
        ? { ...plan, costs: session.costs() }
        : await develop(session, plan, opts, extra);
    } catch (err) {
      if (err instanceof LlmError) {
        return { status: STATUS_OF[err.kind], message: err.message, costs: session.costs() };
      }
      throw err;
    }
  };
  return {
    propose: (parent, unit, instruction, extra = {}) =>
      guarded(extra, (ask) => proposeMutation(ask, templates, base(instruction), parent, unit)),
    crossover: (a, b, take, instruction, extra = {}) =>
      guarded(extra, (ask) => proposeCrossover(ask, ops(), base(instruction), a, b, take)),
    scratch: (input, instruction, extra = {}) =>
      guarded(extra, (ask) => proposeScratch(ask, ops(), { ...base(instruction), ...input })),
  };
}

/** Review, code, observe: the same for every operator once the proposer has answered. */
async function develop(
  s: Session,
  plan: Plan,
  opts: LlmDesignerOptions,
  extra: ProposeExtra,
): Outcome {
  const unit = plan.unit === '' ? {} : { unit: plan.unit };
  const fail = (f: Fail): DesignFailure => ({
    ...unit,
    summary: plan.p.summary,
    ...f,
    costs: s.costs(),
  });
  const review = opts.review === false ? undefined : await reviewStep(s, plan, opts, extra);
  if (review !== undefined && 'status' in review) {
    return fail(review);
  }
  const reviewed = review === undefined ? {} : { review };
  const coded = await code(s, plan, opts);
  if (!coded.outcome.ok) {
    const o = coded.outcome;
    return fail({
      status: o.status,
      message: `the coder failed ${coded.attempts} time(s); last: ${[o.problem, ...o.errors.slice(0, 1)].join(': ')}`,
      errors: o.errors,
      attempts: coded.attempts,
      ...reviewed,
    });
  }
  const built = coded.outcome;
  const look = opts.observe === true ? plan.observer(built.unitText) : undefined;
  const observation = look === undefined ? undefined : (await s.ask('observer', look)).trim();
  return {
    status: 'ok',
    operator: plan.operator,
    parents: plan.parents,
    unit: plan.unit === '' ? (readUnitTree('block.ts', built.source).root ?? '') : plan.unit,
    ...(plan.took === undefined ? {} : { took: plan.took }),
    source: built.source,
    summary: plan.p.summary,
    proposal: plan.p.proposal,
    ...reviewed,
    ...(observation === undefined ? {} : { observation }),
    attempts: coded.attempts,
    verification: built.checks,
    costs: s.costs(),
    message: plan.what(coded.attempts),
  };
}

/** The reviewer: its rating and text, or a rejection under the passing rating. */
async function reviewStep(
  s: Session,
  plan: Plan,
  opts: LlmDesignerOptions,
  extra: ProposeExtra,
): Promise<Review | Fail> {
  const near = nearSummaries(plan.p.summary, extra.known ?? [], opts.nearSummary);
  const siblings = plan.operator === 'scratch' ? [] : (extra.siblings ?? []);
  const review = parseReview(await s.ask('reviewer', plan.reviewer(siblings, near)));
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
    ...(review === undefined ? {} : { review }),
  };
}

/** The coder's loop: each failed attempt's findings go back as the next user message. */
async function code(
  s: Session,
  plan: Plan,
  opts: LlmDesignerOptions,
): Promise<{ outcome: CodeOutcome; attempts: number }> {
  const max = Math.max(1, opts.maxCoderAttempts ?? 3);
  const messages: ChatMessage[] = plan.coder();
  let outcome: CodeOutcome | undefined;
  for (let attempt = 1; attempt <= max; attempt++) {
    const answer = await s.ask('coder', messages);
    outcome = plan.build(answer);
    if (outcome.ok && opts.verify !== undefined) {
      const unit = plan.unit === '' ? undefined : plan.unit;
      outcome = await verifyBuilt(outcome, plan.parentSource, unit, opts.verify);
    }
    if (outcome.ok) {
      return { outcome, attempts: attempt };
    }
    messages.push({ role: 'assistant', content: answer });
    messages.push(plan.retry(outcome.problem, outcome.errors));
  }
  return { outcome: outcome!, attempts: max };
}
