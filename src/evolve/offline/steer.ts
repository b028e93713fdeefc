// Steering the offline designer from the palette: the researcher picks the unit to mutate and may
// type an instruction; variants whose id, family or summary share a word with it are preferred
// (all variants stay eligible when none does, so an instruction never blocks a proposal).
import { mulberry32 } from '../../gab/rng';
import type { UnitRole } from './roles';
import type { RenderInput, Transform, Variant } from './variants';

/** What the caller asks of one mutation. */
export interface Steer {
  /** The unit to mutate (a unit with a role: see unitRoles). */
  readonly unit?: string;
  /** Free text; its words pick among the variants. */
  readonly instruction?: string;
}

const STOP = new Set(['the', 'and', 'with', 'for', 'into', 'use', 'try', 'make', 'more', 'less']);

/** The instruction's words worth matching: lower case, 3 letters or more, no filler. */
export function instructionWords(instruction: string | undefined): string[] {
  return (instruction ?? '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !STOP.has(w));
}

/** How many of `words` the text holds. */
function score(text: string, words: readonly string[]): number {
  const t = text.toLowerCase();
  return words.filter((w) => t.includes(w)).length;
}

/** The items matching the most of `words`; every item when none matches any (or no words). */
export function preferMatching<T>(
  items: readonly T[],
  text: (item: T) => string,
  words: readonly string[],
): T[] {
  const scores = items.map((it) => score(text(it), words));
  const best = Math.max(0, ...scores);
  return best === 0 ? [...items] : items.filter((_, i) => scores[i] === best);
}

/** The unit to mutate, by name; an error listing the ones that can be, when it is not one. */
export function targetRole(roles: readonly UnitRole[], unit: string, parentId: string): UnitRole {
  const hit = roles.find((r) => r.name === unit);
  if (hit === undefined) {
    const names = roles.map((r) => `${r.name} (${r.role})`).join(', ');
    throw new Error(
      `the offline designer cannot mutate unit '${unit}' of ${parentId}: no variant of its library fits it; pick one of ${names}, or set an LLM endpoint (blocksmith.llm.baseUrl) to edit any unit`,
    );
  }
  return hit;
}

/** A variant's words: id, family, and the summary of one rendering (none when it cannot render). */
export function variantText(v: Variant, input: Omit<RenderInput, 'rng'>): string {
  try {
    return `${v.id} ${v.family} ${v.render({ ...input, rng: mulberry32(1) }).summary}`;
  } catch {
    return `${v.id} ${v.family}`;
  }
}

/** A transform's words: id, family, and its summary on `unitText` when it applies. */
export function transformText(t: Transform, unitText: string): string {
  const r = t.apply(unitText, mulberry32(1));
  return `${t.id} ${t.family} ${r?.summary ?? ''}`;
}

/** The transforms and variants a steered mutation draws from, and the chance of a transform. */
export function steerChoices(
  transforms: readonly Transform[],
  variants: readonly Variant[],
  words: readonly string[],
  texts: { transform: (t: Transform) => string; variant: (v: Variant) => string },
): { transforms: Transform[]; variants: Variant[]; transformRate: number } {
  const all = { transforms: [...transforms], variants: [...variants], transformRate: 0.25 };
  if (words.length === 0) {
    return all;
  }
  // Transforms and variants compete on one score: the best-matching edits win, of either kind.
  const items = [
    ...transforms.map((t) => ({ t, text: texts.transform(t) })),
    ...variants.map((v) => ({ v, text: texts.variant(v) })),
  ];
  const best = preferMatching(items, (i) => i.text, words);
  if (best.length === items.length) {
    return all;
  }
  const ts = best.flatMap((i) => ('t' in i ? [i.t] : []));
  const vs = best.flatMap((i) => ('v' in i ? [i.v] : []));
  if (vs.length === 0) {
    // Only transforms match: take one (a variant still follows if it does not apply).
    return { transforms: ts, variants: [...variants], transformRate: 1 };
  }
  return { transforms: ts, variants: vs, transformRate: ts.length > 0 ? 0.25 : 0 };
}
