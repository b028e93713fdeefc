// The messages each role receives, assembled from its template file and the design at hand.
import { loadTemplate, renderSection, type Template } from './prompts';
import type { ChatMessage, Role } from './types';

/** What the prompts are filled from. */
export interface PromptContext {
  readonly contract: string;
  readonly parentId: string;
  readonly parent: string;
  /** The parent's units reachable from its root, in file order. */
  readonly units: readonly string[];
  /** The unit to edit (undefined when the proposer chooses) and its current text. */
  readonly unit: string | undefined;
  readonly unitText: string | undefined;
  readonly instruction: string | undefined;
}

export interface ProposalText {
  readonly summary: string;
  readonly proposal: string;
}

export type Templates = Readonly<Record<Role, Template>>;

/** Loads the four role templates from `dir` (default: the package's templates/prompts). */
export function loadTemplates(dir?: string): Templates {
  return {
    proposer: loadTemplate('proposer', dir),
    reviewer: loadTemplate('reviewer', dir),
    coder: loadTemplate('coder', dir),
    observer: loadTemplate('observer', dir),
  };
}

const NO_INSTRUCTION = 'none; use your own judgement.';

export function base(ctx: PromptContext): Record<string, string> {
  return {
    contract: ctx.contract,
    parentId: ctx.parentId,
    parent: ctx.parent,
    units: ctx.units.map((u) => `\`${u}\``).join(', '),
    instruction: ctx.instruction?.trim() || NO_INSTRUCTION,
    unit: ctx.unit ?? '',
    unitText: ctx.unitText ?? '',
  };
}

export function pair(tpl: Template, vars: Record<string, string>): ChatMessage[] {
  return [
    { role: 'system', content: renderSection(tpl, 'system', vars) },
    { role: 'user', content: renderSection(tpl, 'user', vars) },
  ];
}

export function proposerMessages(t: Templates, ctx: PromptContext): ChatMessage[] {
  const target =
    ctx.unit === undefined
      ? 'Choose the unit whose change promises the most, and propose the change.'
      : `The unit to edit is \`${ctx.unit}\`; as it is now:\n\n\`\`\`ts\n${ctx.unitText ?? ''}\n\`\`\``;
  return pair(t.proposer, { ...base(ctx), target });
}

/** A bulleted list, or `empty` when there is nothing to list. */
export function bullets(items: readonly string[], empty: string): string {
  return items.length === 0 ? empty : items.map((s) => `- ${s}`).join('\n');
}

/** `near`: designs of the tree that look close to the proposal ('<id>: <summary>'). */
export function reviewerMessages(
  t: Templates,
  ctx: PromptContext,
  p: ProposalText,
  siblings: readonly string[],
  near: readonly string[] = [],
): ChatMessage[] {
  return pair(t.reviewer, {
    ...base(ctx),
    ...p,
    siblings: bullets(siblings, '(none yet)'),
    nearDuplicates: bullets(near, '(none found)'),
  });
}

export function coderMessages(t: Templates, ctx: PromptContext, p: ProposalText): ChatMessage[] {
  return pair(t.coder, { ...base(ctx), ...p });
}

/** The follow-up after a failed attempt: what was wrong (`problem`) and the findings. */
export function coderRetryMessage(
  t: Templates,
  ctx: PromptContext,
  problem: string,
  errors: readonly string[],
): ChatMessage {
  const list = errors.map((e) => `- ${e}`).join('\n');
  return {
    role: 'user',
    content: renderSection(t.coder, 'retry', { ...base(ctx), problem, errors: list }),
  };
}

export function observerMessages(
  t: Templates,
  ctx: PromptContext,
  p: ProposalText,
  newUnitText: string,
): ChatMessage[] {
  return pair(t.observer, { ...base(ctx), ...p, newUnitText });
}
