// The messages of crossover and scratch (mutation's are in roles.ts), each from its template file
// (templates/prompts/<role>-<operator>.md). A crossover's prompts carry both parents and the unit
// to take; a scratch design's carry the unit library's entries and an example of the file form.
import { loadNamedTemplate, renderSection, type Template } from './prompts';
import { base, bullets, pair, type PromptContext, type ProposalText } from './roles';
import type { ChatMessage } from './types';

export type OperatorRole = 'proposer' | 'reviewer' | 'coder';
export type OperatorTemplates = Readonly<
  Record<'crossover' | 'scratch', Readonly<Record<OperatorRole, Template>>>
>;

const ROLES: readonly OperatorRole[] = ['proposer', 'reviewer', 'coder'];

/** Loads the six crossover and scratch templates from `dir` (default: the package's). */
export function loadOperatorTemplates(dir?: string): OperatorTemplates {
  const load = (op: string): Record<OperatorRole, Template> =>
    Object.fromEntries(ROLES.map((r) => [r, loadNamedTemplate(`${r}-${op}`, dir)])) as Record<
      OperatorRole,
      Template
    >;
  return { crossover: load('crossover'), scratch: load('scratch') };
}

/** A crossover: `ctx` is the kept parent with `ctx.unit` the slot; `take` comes from `other`. */
export interface CrossContext extends PromptContext {
  readonly otherId: string;
  readonly other: string;
  readonly take: string;
  readonly takeText: string;
}

function crossVars(ctx: CrossContext): Record<string, string> {
  const { otherId, other, take, takeText } = ctx;
  return { ...base(ctx), otherId, other, take, takeText };
}

export function crossProposerMessages(t: OperatorTemplates, ctx: CrossContext): ChatMessage[] {
  return pair(t.crossover.proposer, crossVars(ctx));
}

export function crossReviewerMessages(
  t: OperatorTemplates,
  ctx: CrossContext,
  p: ProposalText,
  siblings: readonly string[],
  near: readonly string[],
): ChatMessage[] {
  return pair(t.crossover.reviewer, {
    ...crossVars(ctx),
    ...p,
    siblings: bullets(siblings, '(none yet)'),
    nearDuplicates: bullets(near, '(none found)'),
  });
}

export function crossCoderMessages(
  t: OperatorTemplates,
  ctx: CrossContext,
  p: ProposalText,
): ChatMessage[] {
  return pair(t.crossover.coder, { ...crossVars(ctx), ...p });
}

export function crossRetryMessage(
  t: OperatorTemplates,
  ctx: CrossContext,
  problem: string,
  errors: readonly string[],
): ChatMessage {
  const vars = { ...crossVars(ctx), problem, errors: bullets(errors, '') };
  return { role: 'user', content: renderSection(t.crossover.coder, 'retry', vars) };
}

/** One entry of the unit library as the prompts show it. */
export interface LibraryEntry {
  readonly name: string;
  readonly text: string;
  /** Designs holding this unit. */
  readonly designs: readonly string[];
}

/** A scratch design's prompt inputs: the library, an example block file, the instruction. */
export interface ScratchContext {
  readonly contract: string;
  readonly library: readonly LibraryEntry[];
  readonly example: { readonly id: string; readonly source: string };
  readonly instruction: string | undefined;
}

/** The library as the prompts list it: each unit in a fenced block, headed by name and holders. */
export function libraryText(entries: readonly LibraryEntry[]): string {
  if (entries.length === 0) {
    return '(the library is empty: write every unit yourself)';
  }
  return entries
    .map((e) => `\`${e.name}\` [${e.designs.join(', ')}]:\n\n\`\`\`ts\n${e.text}\n\`\`\``)
    .join('\n\n');
}

function scratchVars(ctx: ScratchContext): Record<string, string> {
  return {
    contract: ctx.contract,
    library: libraryText(ctx.library),
    exampleId: ctx.example.id,
    example: ctx.example.source,
    instruction: ctx.instruction?.trim() || 'none; use your own judgement.',
  };
}

export function scratchProposerMessages(t: OperatorTemplates, ctx: ScratchContext): ChatMessage[] {
  return pair(t.scratch.proposer, scratchVars(ctx));
}

export function scratchReviewerMessages(
  t: OperatorTemplates,
  ctx: ScratchContext,
  p: ProposalText,
  near: readonly string[],
): ChatMessage[] {
  return pair(t.scratch.reviewer, {
    ...scratchVars(ctx),
    ...p,
    nearDuplicates: bullets(near, '(none found)'),
  });
}

export function scratchCoderMessages(
  t: OperatorTemplates,
  ctx: ScratchContext,
  p: ProposalText,
): ChatMessage[] {
  return pair(t.scratch.coder, { ...scratchVars(ctx), ...p });
}

export function scratchRetryMessage(
  t: OperatorTemplates,
  ctx: ScratchContext,
  problem: string,
  errors: readonly string[],
): ChatMessage {
  const vars = { ...scratchVars(ctx), problem, errors: bullets(errors, '') };
  return { role: 'user', content: renderSection(t.scratch.coder, 'retry', vars) };
}
