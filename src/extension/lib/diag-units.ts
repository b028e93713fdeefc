// Where a dynamic-check failure goes in the block file (no `vscode` here). Dynamic checks run the
// block, so they name units only indirectly: GabError messages say "unit MHA ..." (the runtime
// name from unit({ name })), dynamic/gradients lists parameter paths "blocks.0/GPT2Block/attnNorm/
// weight" whose segments are c.call labels (the child's name, or the label given as c.call's
// fourth argument). A failure that names units goes on each named unit's declaration (its const
// name); one that names none (causality, batch independence, speed, ...) goes on the root unit.
import ts from 'typescript';
import { normalisedText, reachableUnits, readUnitTree, type UnitTree } from '../../units/tree';
import { findUnitDecls, literalString, propValue, unitNode } from '../../units/syntax';
import type { CheckResult } from '../../verify/types';

/** 1-based, end exclusive, like CheckResult's. */
export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A failed check placed in the file: on `unit`'s declaration, or on line 1 when no unit fits. */
export interface Placed {
  readonly check: CheckResult;
  readonly unit: string | undefined;
  readonly span: Span;
}

/** What the file says about its units: const name -> its name's span, runtime names, labels. */
interface UnitIndex {
  readonly root: string | undefined;
  readonly spans: ReadonlyMap<string, Span>;
  /** Runtime names (unit({ name })) and c.call labels -> const name. */
  readonly aliases: ReadonlyMap<string, string>;
}

/** The labels of `c.call(Child, x, z, 'label')` calls anywhere in the file -> Child. */
function callLabels(sf: ts.SourceFile, out: Map<string, string>): void {
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'call'
    ) {
      const child = node.arguments.at(0);
      const label = node.arguments.at(3);
      const text = label === undefined ? undefined : literalString(label);
      if (child !== undefined && ts.isIdentifier(child) && text !== undefined && !out.has(text)) {
        out.set(text, child.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

function spanOf(sf: ts.SourceFile, node: ts.Node): Span {
  const s = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  const e = sf.getLineAndCharacterOfPosition(node.end);
  return {
    line: s.line + 1,
    column: s.character + 1,
    endLine: e.line + 1,
    endColumn: e.character + 1,
  };
}

function indexUnits(fileName: string, source: string): UnitIndex {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const spans = new Map<string, Span>();
  const aliases = new Map<string, string>();
  for (const d of findUnitDecls(sf)) {
    spans.set(d.name, spanOf(sf, d.declaration.name));
    const runtime = d.spec && literalString(propValue(d.spec, 'name'));
    aliases.set(d.name, d.name);
    if (runtime !== undefined && !aliases.has(runtime)) {
      aliases.set(runtime, d.name);
    }
  }
  callLabels(sf, aliases);
  return { root: readUnitTree(fileName, source).root, spans, aliases };
}

/** The units a failure message names, as const names, in order of first mention. */
export function unitsNamed(message: string, aliases: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  const add = (name: string | undefined): void => {
    const u = name === undefined ? undefined : aliases.get(name.replace(/#\d+$/, ''));
    if (u !== undefined && !found.includes(u)) {
      found.push(u);
    }
  };
  for (const m of message.matchAll(/\bunit '?([A-Za-z_$][\w$]*)'?/g)) {
    add(m[1]);
  }
  // A parameter path: the segment before the parameter's own name is the unit that declared it.
  for (const m of message.matchAll(/blocks\.\d+((?:\/[^\s,/()]+)+)/g)) {
    const segs = m[1].split('/').slice(1);
    add(segs.length >= 2 ? segs[segs.length - 2] : segs[0]);
  }
  return found;
}

const LINE_ONE: Span = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Places each failed non-static check of a report in `source` (the text now in the editor). */
export function placeDynamic(
  fileName: string,
  source: string,
  checks: readonly CheckResult[],
): Placed[] {
  // Static results (and verify/internal, the static checker failing) have their own ranges.
  const failed = checks.filter(
    (c) => !c.ok && !c.id.startsWith('static/') && !c.id.startsWith('verify/'),
  );
  if (failed.length === 0) {
    return [];
  }
  const idx = indexUnits(fileName, source);
  return failed.flatMap((check): Placed[] => {
    const named = check.unit !== undefined ? [idx.aliases.get(check.unit) ?? check.unit] : [];
    const units = named.length > 0 ? named : unitsNamed(check.message, idx.aliases);
    const targets = (units.length > 0 ? units : [idx.root]).filter(
      (u): u is string => u !== undefined && idx.spans.has(u),
    );
    if (targets.length === 0) {
      return [{ check, unit: undefined, span: LINE_ONE }];
    }
    return targets.map((unit) => ({ check, unit, span: idx.spans.get(unit) ?? LINE_ONE }));
  });
}

/**
 * What a unit's run-time behaviour depends on, as text that ignores comments and layout: the
 * unit and every unit it reaches, plus every top-level statement that is not a unit (hparams,
 * helpers, the export). Equal fingerprints: a dynamic result about the unit still holds.
 * `unit` undefined: the whole file.
 */
export function fingerprint(fileName: string, source: string, unit: string | undefined): string {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const decls = findUnitDecls(sf);
  const tree: UnitTree = readUnitTree(fileName, source);
  const keep = unit === undefined ? undefined : reachableUnits({ ...tree, root: unit });
  const unitStatements = new Set<ts.Node>(decls.map(unitNode));
  const parts: string[] = [];
  for (const s of sf.statements) {
    if (!unitStatements.has(s)) {
      parts.push(normalisedText(s, sf));
    }
  }
  for (const d of decls) {
    if (keep === undefined || keep.has(d.name)) {
      parts.push(`${d.name}=${normalisedText(unitNode(d), sf)}`);
    }
  }
  return parts.join('\n');
}
