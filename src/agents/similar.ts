// Which designs of the tree read like a proposal, for the reviewer ("compares with siblings and
// near duplicates"): word-set similarity (Jaccard) of the proposal's summary and text with each
// design's summary. Cheap, no model, good enough to put the likely twins in front of the reviewer;
// the code-level duplicate check (src/evolve/novelty.ts) is what refuses a copy.

/** A design of the tree as the reviewer sees it. */
export interface KnownDesign {
  readonly id: string;
  readonly summary: string;
}

/** Words that say nothing about a design. */
const STOP = new Set(
  'the and for with from that this into unit design block its are was not but use uses instead of a an in on to by as at is it be or'.split(
    ' ',
  ),
);

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1 && !STOP.has(w)),
  );
}

/** |A ∩ B| / |A ∪ B| of two word sets (0 when both are empty). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let both = 0;
  for (const w of a) {
    if (b.has(w)) {
      both++;
    }
  }
  const union = a.size + b.size - both;
  return union === 0 ? 0 : both / union;
}

/**
 * The designs whose summary is most like `text` (similarity at least `threshold`), most similar
 * first, at most `max`, as '<id>: <summary>' lines.
 */
export function nearSummaries(
  text: string,
  known: readonly KnownDesign[],
  threshold = 0.35,
  max = 5,
): string[] {
  const mine = words(text);
  return known
    .map((d) => ({ d, sim: jaccard(mine, words(d.summary)) }))
    .filter((x) => x.sim >= threshold)
    .sort((x, y) => y.sim - x.sim || x.d.id.localeCompare(y.d.id))
    .slice(0, max)
    .map((x) => `${x.d.id}: ${x.d.summary.split('\n')[0].slice(0, 200)}`);
}
