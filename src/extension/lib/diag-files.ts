// Which files get live diagnostics, and what the static checks need to know about a proposal
// (no `vscode` here): block files are designs/<id>/block.ts and any TypeScript file that imports
// 'blocksmith/gab'. A mutation waiting for review is checked against its parent too
// (static/protected-units), so editing a unit the mutation must not touch shows at once.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StaticOptions } from '../../verify/static/rule';

/** designs/<id>/block.ts, with either path separator. */
export function isBlockPath(path: string): boolean {
  const parts = path.split(/[\\/]/);
  return parts.length >= 3 && parts.at(-1) === 'block.ts' && parts.at(-3) === 'designs';
}

/** The text imports (or re-exports from) 'blocksmith/gab'. */
export function importsGab(text: string): boolean {
  return /\b(?:from|import)\s*\(?\s*['"]blocksmith\/gab['"]/.test(text);
}

/** Whether a document gets live diagnostics. */
export function isLiveTarget(path: string, languageId: string, text: string): boolean {
  if (languageId !== 'typescript') {
    return false;
  }
  return isBlockPath(path) || importsGab(text);
}

interface PendingMutation {
  readonly parent: string;
  readonly unit: string;
}

/** design.json of a mutation still waiting for review: its parent and the unit it edits. */
function pendingMutation(designDir: string): PendingMutation | undefined {
  try {
    const json = JSON.parse(readFileSync(join(designDir, 'design.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const parents = json.parents;
    const parent = Array.isArray(parents) ? (parents[0] as unknown) : undefined;
    if (
      json.operator === 'mutate' &&
      json.status === 'pending-review' &&
      typeof json.unit === 'string' &&
      typeof parent === 'string'
    ) {
      return { parent, unit: json.unit };
    }
  } catch {
    // No design.json, or one being written: check the block on its own.
  }
  return undefined;
}

/**
 * The protected-units options for a block file: its parent's source and the edited unit when
 * the block is a mutation pending review; {} otherwise.
 */
export function protectionFor(path: string): StaticOptions {
  if (!isBlockPath(path)) {
    return {};
  }
  const dir = dirname(path);
  const m = pendingMutation(dir);
  if (m === undefined) {
    return {};
  }
  const parentBlock = join(dirname(dir), m.parent, basename(path));
  if (!existsSync(parentBlock)) {
    return {};
  }
  try {
    return { parentSource: readFileSync(parentBlock, 'utf8'), editedUnit: m.unit };
  } catch {
    return {};
  }
}
