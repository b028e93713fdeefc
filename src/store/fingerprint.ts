// What the store derives from a block file: its units' normalised texts and hashes (the unit
// library), and a fingerprint of the whole design for duplicate detection.
import { createHash } from 'node:crypto';
import ts from 'typescript';
import { normalisedText, parseBlock, unitTexts } from '../units/tree';
import { findDefaultExports, rootName } from '../units/syntax';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Each unit's normalised text and its sha256, by unit name. */
export function unitHashes(source: string): Map<string, { text: string; hash: string }> {
  const out = new Map<string, { text: string; hash: string }>();
  for (const [name, text] of unitTexts('block.ts', source)) {
    out.set(name, { text, hash: sha256(text) });
  }
  return out;
}

/**
 * The normalised text of a design: every top-level statement (units, hparams, helpers) in the
 * normalisation of src/units/tree.ts (no comments, layout or quote style), plus the root unit.
 * Imports and the design's own `name` in `export default block({...})` are left out: renaming a
 * copy does not make it new.
 */
export function normalisedDesign(source: string): string {
  const sf = parseBlock('block.ts', source);
  const parts = sf.statements
    .filter((s) => !ts.isImportDeclaration(s) && !ts.isExportAssignment(s))
    .map((s) => normalisedText(s, sf));
  const root = rootName(findDefaultExports(sf).at(0)?.spec);
  parts.push(`root ${root ?? '?'}`);
  return parts.join('\n');
}

/** sha256 of normalisedDesign: equal fingerprints mean the same design. */
export function fingerprint(source: string): string {
  return sha256(normalisedDesign(source));
}
