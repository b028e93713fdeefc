// The scratch operator: a new design whose root composes units from the unit library (units of
// the designs in the tree, with the hyperparameters they read) and from the variant library.
import { parseBlock, unitTexts } from '../../units/tree';
import { freshName, hparamKeysUsed, readHParams, renameHParamKeys, renameIn } from './source';
import { unitRoles } from './roles';
import { pick, variantsFor, type Role } from './variants';

/** A unit of the library (the store's UnitEntry fits): its name and normalised text. */
export interface LibraryUnit {
  readonly name: string;
  readonly text: string;
  readonly designs?: readonly string[];
}

export interface ScratchOptions {
  /** Sources of designs in the tree: library units are taken, with their hparams, from these. */
  readonly sources?: readonly string[];
  /** The new design's name (default: 'scratch-<mixer>-<mlp>'). */
  readonly name?: string;
  /** Chance of taking a library unit rather than a fresh variant for a part (default 0.5). */
  readonly libraryRate?: number;
}

interface Part {
  readonly name: string;
  readonly text: string;
  /** hparams entries the text reads (key to value text). */
  readonly hparams: ReadonlyMap<string, string>;
  readonly from: string;
}

/** Leaf units of the given sources that play `role`, whose text is in the library. */
function libraryParts(
  library: readonly LibraryUnit[],
  sources: readonly string[],
  role: Role,
): Part[] {
  const known = new Set(library.map((u) => u.text));
  const out: Part[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    const norm = unitTexts('block.ts', source);
    const hp = readHParams(source);
    for (const r of unitRoles(source)) {
      const key = norm.get(r.name) ?? '';
      const leaf = !/children:\s*\[\s*[A-Za-z]/.test(r.text);
      if (r.role !== role || !leaf || !known.has(key) || seen.has(key)) {
        continue;
      }
      seen.add(key);
      const keys = [...hparamKeysUsed(r.text)];
      if (keys.some((k) => !hp.has(k))) {
        continue;
      }
      out.push({
        name: r.name,
        text: r.text,
        hparams: new Map(keys.map((k) => [k, hp.get(k) ?? ''])),
        from: 'library',
      });
    }
  }
  return out;
}

function variantPart(
  role: Role,
  name: string,
  rng: () => number,
): Part & { helpers: readonly string[] } {
  const v = pick(rng, variantsFor(role));
  const r = v.render({ name, ctx: 'Ctx<H>', rng });
  return {
    name,
    text: r.text,
    hparams: new Map(),
    from: `variant ${v.id} (${r.tag})`,
    helpers: r.helpers,
  };
}

/**
 * A new block: a norm, a sequence mixer and a channel MLP, each a library unit or a fresh
 * variant, composed by a layout variant. Deterministic given `rng`.
 */
export function scratch(
  library: readonly LibraryUnit[],
  rng: () => number,
  opts: ScratchOptions = {},
): string {
  const sources = opts.sources ?? [];
  const rate = opts.libraryRate ?? 0.5;
  const taken = new Set(['hparams', 'H', 'unit', 'block', 'ops', 'Ctx', 'Tensor', 'Z']);
  const hparams = new Map<string, string>();
  const texts: string[] = [];
  const names: Partial<Record<Role, string>> = {};
  const defaults: Record<string, string> = { norm: 'Norm', mixer: 'Mixer', mlp: 'ChannelMLP' };
  for (const role of ['norm', 'mixer', 'mlp'] as const) {
    const lib = libraryParts(library, sources, role);
    const useLib = lib.length > 0 && rng() < rate;
    const part = useLib ? pick(rng, lib) : variantPart(role, defaults[role] ?? role, rng);
    const name = freshName(part.name, taken);
    taken.add(name);
    const keyMap = new Map<string, string>();
    for (const [k, v] of part.hparams) {
      const key =
        hparams.has(k) && hparams.get(k) !== v ? freshName(k, new Set(hparams.keys())) : k;
      hparams.set(key, v);
      if (key !== k) {
        keyMap.set(k, key);
      }
    }
    const helpers = 'helpers' in part ? (part as { helpers: readonly string[] }).helpers : [];
    const rename = new Map(name === part.name ? [] : [[part.name, name]]);
    for (const h of [...helpers, part.text]) {
      texts.push(renameHParamKeys(renameIn(h, rename), keyMap));
    }
    names[role] = name;
  }
  const rootName = freshName('ScratchBlock', taken);
  const layout = pick(rng, variantsFor('layout')).render({
    name: rootName,
    ctx: 'Ctx<H>',
    rng,
    parts: {
      mixers: [names.mixer ?? 'Mixer'],
      mlp: names.mlp ?? 'ChannelMLP',
      norm: names.norm ?? 'Norm',
    },
  });
  texts.push(...layout.helpers, layout.text);
  const design =
    opts.name ??
    `scratch-${(names.mixer ?? 'mixer').toLowerCase()}-${(names.mlp ?? 'mlp').toLowerCase()}`;
  return assemble(texts, hparams, rootName, design);
}

function assemble(
  texts: readonly string[],
  hparams: ReadonlyMap<string, string>,
  root: string,
  design: string,
): string {
  const body = texts.join('\n\n');
  const types = ['type Ctx', ...(/\bTensor\b/.test(body) ? ['type Tensor'] : [])].join(', ');
  const hp = [...hparams].map(([k, v]) => `  ${k}: ${v},\n`).join('');
  const source = `/**
 * A design built from scratch by the offline designer: a norm, a sequence mixer and a channel
 * MLP from the unit library, composed by a block layout.
 */
import { unit, block, ops, ${types} } from 'blocksmith/gab';

export const hparams = {
${hp}};
type H = typeof hparams;

${body}

export default block({ name: '${design.replace(/[^a-z0-9-]/g, '-')}', hparams, root: ${root} });
`;
  parseBlock('block.ts', source); // syntax only; the verifier judges the rest
  return source;
}
