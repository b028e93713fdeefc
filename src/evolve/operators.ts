// The evolution operators, pure functions from block sources to a block source (Genesys's
// genetic-programming edits on the unit tree): mutate one unit, cross units of two parents,
// build a new root from library units. Each result is meant to pass checkStatic; mutate's
// result passes the protection check against its parent by construction (only the edited unit
// changes; new helper units are new names).
import { parseBlock, readUnitTree, reachableUnits, unitTexts } from '../units/tree';
import { findUnitDecls } from '../units/syntax';
import {
  addHParams,
  ensureTypeImports,
  freshName,
  hparamKeysUsed,
  insertBeforeUnit,
  readHParams,
  removeUnits,
  renameHParamKeys,
  renameIn,
  topLevelNames,
  unitStatements,
} from './offline/source';

const FILE = 'block.ts';
/** Contract types a unit may use that a parent's import may lack. */
const CONTRACT_TYPES = ['Tensor', 'Ctx', 'Z'];

/** The single unit a snippet declares, with its name. Throws with a hint otherwise. */
function unitOfSnippet(text: string, what: string): { name: string; text: string } {
  const decls = findUnitDecls(parseBlock(FILE, text));
  const first = decls.at(0);
  if (decls.length !== 1 || first === undefined) {
    throw new Error(
      `${what} must be exactly one \`const X = unit({...})\` statement, found ${decls.length} units`,
    );
  }
  return { name: first.name, text: text.trim() };
}

function normalised(text: string): string | undefined {
  return [...unitTexts(FILE, text).values()][0];
}

/**
 * Replaces unit `unit` of `parent` by `newUnitText` (a `const <unit> = unit({...})` statement of
 * the same name). `extraUnits` are new helper units the new text uses; they go just before the
 * edited unit. A helper whose name clashes with a name of the parent is renamed (Name2, ...)
 * everywhere in the new texts, unless the parent holds the very same unit, which is then reused.
 */
export function mutate(
  parent: string,
  unit: string,
  newUnitText: string,
  extraUnits: readonly string[] = [],
): string {
  const edited = unitOfSnippet(newUnitText, `the new text of unit '${unit}'`);
  if (edited.name !== unit) {
    throw new Error(
      `mutate: the new text declares unit '${edited.name}' but the edited unit is '${unit}'; keep its name`,
    );
  }
  const parentTexts = unitTexts(FILE, parent);
  if (!parentTexts.has(unit)) {
    throw new Error(
      `mutate: the parent has no unit '${unit}' (units: ${[...parentTexts.keys()].join(', ')})`,
    );
  }
  const taken = topLevelNames(parent);
  const renames = new Map<string, string>();
  const kept: { name: string; text: string }[] = [];
  for (const [i, t] of extraUnits.entries()) {
    const helper = unitOfSnippet(t, `extra unit ${i + 1}`);
    const same = parentTexts.get(helper.name);
    if (same !== undefined && same === normalised(helper.text)) {
      continue; // the parent already has this exact unit
    }
    if (taken.has(helper.name)) {
      renames.set(helper.name, freshName(helper.name, taken));
    }
    taken.add(renames.get(helper.name) ?? helper.name);
    kept.push(helper);
  }
  const fix = (text: string): string => renameIn(text, renames);
  let out = insertBeforeUnit(
    parent,
    unit,
    kept.map((h) => fix(h.text)),
  );
  out = replaceUnitText(out, unit, fix(edited.text));
  return ensureTypeImports(out, CONTRACT_TYPES);
}

function replaceUnitText(source: string, name: string, text: string): string {
  const sf = parseBlock(FILE, source);
  const decl = findUnitDecls(sf).find((d) => d.name === name);
  if (decl === undefined) {
    throw new Error(`no unit '${name}' in the block`);
  }
  const node =
    decl.statement.declarationList.declarations.length === 1 ? decl.statement : decl.declaration;
  return source.slice(0, node.getStart(sf)) + text + source.slice(node.end);
}

/** `names` and every unit they reach through `children` in `source`, in file order. */
function closure(source: string, names: readonly string[]): string[] {
  const tree = readUnitTree(FILE, source);
  const byName = new Map(tree.units.map((u) => [u.name, u]));
  const seen = new Set<string>();
  const stack = [...names];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    const u = byName.get(n);
    if (u === undefined) {
      throw new Error(
        `crossover: parent B has no unit '${n}' (units: ${[...byName.keys()].join(', ')})`,
      );
    }
    if (!seen.has(n)) {
      seen.add(n);
      stack.push(...u.children);
    }
  }
  return tree.units.map((u) => u.name).filter((n) => seen.has(n));
}

/** Hyperparameters B's units read: added to A, renamed when A has the key with another value. */
function mergeHParams(
  a: string,
  b: string,
  texts: readonly string[],
): { add: Map<string, string>; renames: Map<string, string> } {
  const ha = readHParams(a);
  const hb = readHParams(b);
  const add = new Map<string, string>();
  const renames = new Map<string, string>();
  const taken = new Set(ha.keys());
  for (const key of new Set(texts.flatMap((t) => [...hparamKeysUsed(t)]))) {
    const value = hb.get(key);
    if (value === undefined || ha.get(key) === value) {
      continue;
    }
    const to = ha.has(key) ? freshName(key, taken) : key;
    taken.add(to);
    add.set(to, value);
    if (to !== key) {
      renames.set(key, to);
    }
  }
  return { add, renames };
}

/**
 * Takes the units `takeFromB` of parent `b` (with every unit they call) into parent `a`. Each
 * taken unit replaces the unit of A named by `slots[name]` (default: A's unit of the same name):
 * A's units that listed the replaced unit now list and call the taken one, and A's units no
 * longer reachable are dropped. B's units whose names clash with other units of A are renamed
 * (Name2, ...), unless A holds the very same unit, which is then shared. Hyperparameters the
 * taken units read are added to A (renamed when A has the key with another value).
 */
export function crossover(
  a: string,
  b: string,
  takeFromB: readonly string[],
  slots: Readonly<Record<string, string>> = {},
): string {
  const aTexts = unitTexts(FILE, a);
  const bTexts = unitTexts(FILE, b);
  const bStatements = unitStatements(b);
  const targets = new Map(takeFromB.map((n) => [n, slots[n] ?? n]));
  for (const [n, t] of targets) {
    if (!aTexts.has(t)) {
      throw new Error(
        `crossover: unit '${n}' of B has no slot in A: A has no unit '${t}' (units: ${[...aTexts.keys()].join(', ')}); pass slots`,
      );
    }
  }
  const replaced = new Set(targets.values());
  const taken = new Set([...topLevelNames(a)].filter((n) => !replaced.has(n)));
  const renames = new Map<string, string>();
  const brought: string[] = [];
  for (const n of closure(b, takeFromB)) {
    const shared = !targets.has(n) && aTexts.get(n) === bTexts.get(n);
    if (shared) {
      continue;
    }
    const to = taken.has(n) ? freshName(n, taken) : n;
    taken.add(to);
    if (to !== n) {
      renames.set(n, to);
    }
    brought.push(n);
  }
  let texts = brought.map((n) => renameIn(bStatements.get(n) ?? '', renames));
  const hp = mergeHParams(a, b, texts);
  texts = texts.map((t) => renameHParamKeys(t, hp.renames));
  // Every taken unit takes the first slot's place, with its children, in B's order.
  const firstSlot = [...aTexts.keys()].find((n) => replaced.has(n)) ?? '';
  let out = removeUnits(a, new Set([...replaced].filter((n) => n !== firstSlot)));
  out = replaceUnitText(out, firstSlot, texts.join('\n\n'));
  const slotRenames = new Map(
    [...targets].flatMap(([n, t]) => {
      const to = renames.get(n) ?? n;
      return to === t ? [] : [[t, to] as [string, string]];
    }),
  );
  out = renameIn(out, slotRenames);
  out = dropUnreachable(out);
  out = addHParams(out, hp.add);
  return ensureTypeImports(out, CONTRACT_TYPES);
}

/** Removes units the root no longer reaches (they would be dead code and a warning). */
export function dropUnreachable(source: string): string {
  const tree = readUnitTree(FILE, source);
  const live = reachableUnits(tree);
  const dead = new Set(tree.units.map((u) => u.name).filter((n) => !live.has(n)));
  return dead.size === 0 ? source : removeUnits(source, dead);
}

export { scratch, type LibraryUnit, type ScratchOptions } from './offline/scratch';
