// The shape of one static check (after typescript-eslint's createRule): an id, a severity, what
// it checks, and run(ctx) returning findings with 1-based ranges.
import ts from 'typescript';
import type { Severity } from '../types';

export interface StaticOptions {
  /** The parent design's source: with `editedUnit`, units other than it must be unchanged. */
  readonly parentSource?: string;
  readonly editedUnit?: string;
}

/** 1-based, end exclusive, as editors show them. */
export interface Range {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface Finding {
  readonly range: Range;
  /** What failed and what to do. */
  readonly message: string;
  /** Overrides the rule's severity (e.g. a warning from an error rule). */
  readonly severity?: Severity;
  /** Overrides the unit found from the range. */
  readonly unit?: string;
}

export interface RuleContext {
  readonly sourceFile: ts.SourceFile;
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  readonly options: StaticOptions;
  /** The 1-based range of a node (its first token to its end). */
  range(node: ts.Node): Range;
  /** The 1-based range of [start, end) character offsets. */
  rangeOf(start: number, end: number): Range;
  /** A finding at a node. */
  at(node: ts.Node, message: string, severity?: Severity): Finding;
}

export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  /** What the check verifies: the message of its passing result. */
  readonly description: string;
  /** The passing message when it depends on the input (e.g. "not applicable"). */
  passMessage?(ctx: RuleContext): string;
  run(ctx: RuleContext): Finding[];
}

export function createContext(
  program: ts.Program,
  sourceFile: ts.SourceFile,
  options: StaticOptions,
): RuleContext {
  const rangeOf = (start: number, end: number): Range => {
    const s = sourceFile.getLineAndCharacterOfPosition(start);
    const e = sourceFile.getLineAndCharacterOfPosition(end);
    return {
      line: s.line + 1,
      column: s.character + 1,
      endLine: e.line + 1,
      endColumn: e.character + 1,
    };
  };
  const range = (node: ts.Node): Range => rangeOf(node.getStart(sourceFile), node.end);
  return {
    sourceFile,
    program,
    checker: program.getTypeChecker(),
    options,
    range,
    rangeOf,
    at: (node, message, severity) =>
      severity === undefined
        ? { range: range(node), message }
        : { range: range(node), message, severity },
  };
}

/** Calls `visit` on every node below `root` (depth first), skipping type annotations. */
export function walkValues(root: ts.Node, visit: (node: ts.Node) => void): void {
  const go = (node: ts.Node): void => {
    if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) {
      return;
    }
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) {
      return;
    }
    visit(node);
    ts.forEachChild(node, go);
  };
  ts.forEachChild(root, go);
}
