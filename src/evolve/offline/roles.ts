// What each unit of a block does, read from syntax: the root is the layout; a leaf unit that
// normalises without projecting is a norm; the root's other children are sequence mixers when
// they (or units they call) use a sequence op, channel MLPs otherwise. Deeper units with
// special interfaces (a scan core, a LoRA) get no role: no library variant fits them.
import { readUnitTree, type UnitTree } from '../../units/tree';
import { unitStatements } from './source';
import type { Role } from './variants';

const SEQUENCE_OPS = [
  'shift',
  'causalAttention',
  'linearScan',
  'causalConv1d',
  'cumsum',
  'tril',
  'rotary',
];
const NORM_OPS = ['rmsNorm', 'layerNorm'];
const MLP_NAME = /mlp|ffn|feed ?forward|channel|glu/i;

export interface UnitRole {
  readonly name: string;
  readonly role: Role;
  /** The unit's statement text. */
  readonly text: string;
}

export function opsUsed(text: string): Set<string> {
  return new Set([...text.matchAll(/\bops\.(\w+)/g)].map((m) => m.at(1) ?? ''));
}

function closureOps(tree: UnitTree, texts: Map<string, string>, name: string): Set<string> {
  const byName = new Map(tree.units.map((u) => [u.name, u]));
  const out = new Set<string>();
  const seen = new Set<string>();
  const stack = [name];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (seen.has(n)) {
      continue;
    }
    seen.add(n);
    opsUsed(texts.get(n) ?? '').forEach((o) => out.add(o));
    stack.push(...(byName.get(n)?.children ?? []));
  }
  return out;
}

function isNorm(text: string, children: readonly string[]): boolean {
  const ops = opsUsed(text);
  return children.length === 0 && NORM_OPS.some((o) => ops.has(o)) && !ops.has('linear');
}

/** The role of every unit that has one, in file order. */
export function unitRoles(source: string): UnitRole[] {
  const tree = readUnitTree('block.ts', source);
  const texts = unitStatements(source);
  const root = tree.units.find((u) => u.name === tree.root);
  const rootChildren = new Set(root?.children ?? []);
  const out: UnitRole[] = [];
  for (const u of tree.units) {
    const text = texts.get(u.name) ?? '';
    let role: Role | undefined;
    if (u.name === tree.root) {
      role = 'layout';
    } else if (isNorm(text, u.children)) {
      role = 'norm';
    } else if (rootChildren.has(u.name)) {
      const seq = closureOps(tree, texts, u.name);
      const isMixer = SEQUENCE_OPS.some((o) => seq.has(o));
      role = MLP_NAME.test(u.name) || !isMixer ? 'mlp' : 'mixer';
    }
    if (role !== undefined) {
      out.push({ name: u.name, role, text });
    }
  }
  return out;
}

/** The root's parts for a layout: its mixers in call order, its MLP and its norm. */
export function blockParts(
  source: string,
): { mixers: string[]; mlp?: string; norm?: string } | undefined {
  const tree = readUnitTree('block.ts', source);
  const root = tree.units.find((u) => u.name === tree.root);
  if (root === undefined) {
    return undefined;
  }
  const roles = new Map(unitRoles(source).map((r) => [r.name, r.role]));
  const mixers = root.children.filter((n) => roles.get(n) === 'mixer');
  const mlps = root.children.filter((n) => roles.get(n) === 'mlp');
  const norm = root.children.find((n) => roles.get(n) === 'norm');
  if (mixers.length === 0 || mlps.length > 1) {
    return undefined;
  }
  return {
    mixers,
    ...(mlps.length === 0 ? {} : { mlp: mlps.at(0) ?? '' }),
    ...(norm === undefined ? {} : { norm }),
  };
}

/** 'Ctx<H>' when the block declares `type H`, else 'Ctx'. */
export function ctxType(source: string): string {
  return /^type H\b/m.test(source) ? 'Ctx<H>' : 'Ctx';
}
