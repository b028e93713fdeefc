// Reading the roles' answers: the proposer's UNIT/SUMMARY/PROPOSAL form, the reviewer's JSON
// rating, the coder's ```ts block. Models wander from the asked form, so each reader is lenient
// where it can be and says exactly what was missing where it cannot.

export interface ParsedProposal {
  readonly unit: string | undefined;
  readonly summary: string;
  readonly proposal: string;
}

/** Reads `UNIT: x`, `SUMMARY: y` and the text after `PROPOSAL:` (markdown emphasis allowed). */
export function parseProposal(text: string): ParsedProposal {
  const clean = text.replace(/\*\*/g, '');
  const unit = /^\s*UNIT:\s*`?([A-Za-z_$][\w$]*)`?/im.exec(clean)?.[1];
  const summary = /^\s*SUMMARY:\s*(.+)$/im.exec(clean)?.[1]?.trim() ?? '';
  const after = /^\s*PROPOSAL:\s*([\s\S]*)$/im.exec(clean)?.[1]?.trim();
  // Without the PROPOSAL: label, the whole answer is the proposal.
  const proposal = after ?? clean.trim();
  return { unit, summary: summary || firstLine(proposal), proposal };
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 160);
}

export interface ParsedReview {
  readonly rating: number;
  readonly text: string;
}

/** The reviewer's rating 1-5 and review text, or undefined when the answer holds no rating. */
export function parseReview(text: string): ParsedReview | undefined {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (json !== undefined) {
    try {
      const obj = JSON.parse(json) as { rating?: unknown; review?: unknown };
      const rating = Number(obj.rating);
      if (Number.isInteger(rating) && rating >= 1 && rating <= 5) {
        return { rating, text: typeof obj.review === 'string' ? obj.review : '' };
      }
    } catch {
      // Not JSON after all: fall through to the lenient reading.
    }
  }
  const m = /rating["'\s]*[:=]\s*([1-5])\b/i.exec(text);
  return m?.[1] === undefined ? undefined : { rating: Number(m[1]), text: text.trim() };
}

/**
 * The code of the answer's ```ts (or ```typescript, or bare ```) block; with several, the
 * longest. Undefined when the answer has no fenced code.
 */
export function extractCode(text: string): string | undefined {
  const blocks = [...text.matchAll(/```[ \t]*(?:ts|typescript|tsx)?[ \t]*\n([\s\S]*?)```/gi)]
    .map((m) => m[1].trim())
    .filter((code) => code !== '');
  if (blocks.length === 0) {
    return undefined;
  }
  return blocks.reduce((a, b) => (b.length > a.length ? b : a));
}
