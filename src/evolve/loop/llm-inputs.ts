// What the LLM designer's crossover and scratch prompts are built from, chosen here so the agents
// stay free of the evolution code: the unit of the second parent to take and its place in the
// first (a sequence mixer for a mixer, an MLP for an MLP, as the offline crossover pairs them),
// a sample of the unit library that fits a prompt, and an example block file.
import type { LibraryEntry } from '../../agents';
import type { DesignStore } from '../../store';
import { referenceId } from '../selection';
import { unitRoles } from '../offline';

/** Library entries a scratch prompt carries at most, and their characters at most. */
export const LIBRARY_ENTRIES = 24;
export const LIBRARY_CHARS = 24_000;

/** A unit of `b` and the unit of `a` of the same role it would replace; undefined when none. */
export function crossSlot(
  a: string,
  b: string,
  rng: () => number,
): { unit: string; slot: string } | undefined {
  const slots = unitRoles(a).filter((r) => r.role === 'mixer' || r.role === 'mlp');
  const takes = unitRoles(b);
  const pairs = slots.flatMap((s) =>
    takes.filter((t) => t.role === s.role).map((t) => ({ unit: t.name, slot: s.name })),
  );
  return pairs.length === 0 ? undefined : pairs[Math.floor(rng() * pairs.length)];
}

/** A random sample of the unit library (no two of one name), within the prompt's bounds. */
export function libraryFor(store: DesignStore, rng: () => number): LibraryEntry[] {
  const entries = [...store.units()];
  // Fisher-Yates: every entry equally likely to be shown, so repeated scratch calls vary.
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [entries[i], entries[j]] = [entries[j], entries[i]];
  }
  const out: LibraryEntry[] = [];
  const names = new Set<string>();
  let chars = 0;
  for (const e of entries) {
    if (
      out.length >= LIBRARY_ENTRIES ||
      names.has(e.name) ||
      chars + e.text.length > LIBRARY_CHARS
    ) {
      continue;
    }
    names.add(e.name);
    chars += e.text.length;
    out.push({ name: e.name, text: e.text, designs: e.designs });
  }
  return out.sort((x, y) => x.name.localeCompare(y.name));
}

/** The block file a scratch prompt shows as the form: the GPT seed, else the first design. */
export function scratchExample(store: DesignStore): { id: string; source: string } | undefined {
  const all = store.list();
  const id = referenceId(all) ?? all.at(0)?.id;
  return id === undefined ? undefined : { id, source: store.source(id) };
}
