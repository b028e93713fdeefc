// Text edits as character offsets, with no `vscode` import: quick fixes are computed here and
// turned into a WorkspaceEdit by src/extension/quick-fixes.ts (offsets -> positions on the
// document the fix was computed for).
import ts from 'typescript';

/** Replace [start, end) of the text with newText (0-based character offsets). */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** One quick fix: a title for the light-bulb menu and its edits (non-overlapping). */
export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The fix a user most likely wants (VS Code offers it first, and for "auto fix"). */
  readonly preferred?: boolean;
}

/** A failed static check located in the text: the check id, its message, its offsets. */
export interface FindingRef {
  readonly id: string;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** Applies non-overlapping edits to `text` (in any order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) {
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  }
  return out;
}

/** Parses a block file for fixes (syntax only, parent pointers set). */
export function parse(fileName: string, source: string): ts.SourceFile {
  return ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** The innermost node whose token span [getStart, end) contains [start, end). */
export function nodeAt(sf: ts.SourceFile, start: number, end: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (node.getStart(sf) <= start && end <= node.end) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  ts.forEachChild(sf, visit);
  return found;
}

/** The first ancestor of `node` (itself included) that satisfies `test`. */
export function ancestor<T extends ts.Node>(
  node: ts.Node | undefined,
  test: (n: ts.Node) => n is T,
): T | undefined {
  for (let n = node; n !== undefined; n = n.parent as ts.Node | undefined) {
    if (test(n)) {
      return n;
    }
  }
  return undefined;
}

/** The top-level statement holding `node`. */
export function topStatement(sf: ts.SourceFile, node: ts.Node): ts.Statement | undefined {
  return sf.statements.find((s) => s.pos <= node.pos && node.end <= s.end);
}

/** Deletes a node with its leading comments' line and its line break, when it sits on its own lines. */
export function removeLines(sf: ts.SourceFile, node: ts.Node): TextEdit {
  const text = sf.text;
  let start = node.getStart(sf);
  let end = node.end;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (/^[ \t]*$/.test(text.slice(lineStart, start))) {
    start = lineStart;
  }
  const rest = /^[ \t]*(\r?\n)?/.exec(text.slice(end));
  if (rest !== null && (rest[0].includes('\n') || end + rest[0].length === text.length)) {
    end += rest[0].length;
  }
  return { start, end, newText: '' };
}

/** Deletes one element of a list (array literal, import names) with the comma that goes with it. */
export function removeListElement(
  sf: ts.SourceFile,
  list: ts.NodeArray<ts.Node>,
  index: number,
): TextEdit {
  const el = list[index];
  if (list.length === 1) {
    return { start: el.getStart(sf), end: el.end, newText: '' };
  }
  if (index < list.length - 1) {
    // "a, b" -> "b": up to the next element's first token.
    return { start: el.getStart(sf), end: list[index + 1].getStart(sf), newText: '' };
  }
  // The last one: from the previous element's end ("a, b" -> "a").
  return { start: list[index - 1].end, end: el.end, newText: '' };
}

/** Appends `text` as a new element of a (possibly empty) list ending at `closeAt`. */
export function appendListElement(
  list: ts.NodeArray<ts.Node>,
  closeAt: number,
  text: string,
): TextEdit {
  const last = list.at(-1);
  if (last === undefined) {
    return { start: closeAt, end: closeAt, newText: text };
  }
  return { start: last.end, end: last.end, newText: `, ${text}` };
}
