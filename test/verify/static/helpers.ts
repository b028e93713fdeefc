// Rule-test helpers (after typescript-eslint's RuleTester): full small block files, and
// assertions on one check's results with the exact 1-based line and column of each finding.
import assert from 'node:assert/strict';
import { checkStatic, type StaticOptions } from '../../../src/verify/static/index';
import type { CheckResult } from '../../../src/verify/types';

/** Lines 1-3 of every test file: the import, hparams and the H type. */
const HEAD = [
  "import { unit, block, ops, type Ctx } from 'blocksmith/gab';",
  'export const hparams = { k: 2 };',
  'type H = typeof hparams;',
];

/** A root unit `Root` whose forward starts with `body`: body line i is file line 7 + i. */
function rootUnit(body: readonly string[]): string[] {
  return [
    'const Root = unit({',
    "  name: 'Root',",
    '  children: [],',
    '  forward(c: Ctx<H>, x, z) {',
    ...body.map((l) => `    ${l}`),
    '    return [ops.mul(x, c.hp.k), z];',
    '  },',
    '});',
  ];
}

const TAIL = "export default block({ name: 'test', hparams, root: Root });";

/**
 * A block file: `top` as lines 4, 5, ... (column 1), then the Root unit whose forward starts with
 * `body` (first body line: 8 + top.length, indented by 4, so column 5), then the export.
 */
export function blockFile(top: readonly string[], body: readonly string[]): string {
  return [...HEAD, ...top, ...rootUnit(body), TAIL, ''].join('\n');
}

/** blockFile([], body): the first body line is line 8, column 5. */
export function inForward(...body: string[]): string {
  return blockFile([], body);
}

/** blockFile(top, []): the first top line is line 4, column 1. */
export function atTop(...top: string[]): string {
  return blockFile(top, []);
}

export interface Expected {
  readonly line: number;
  readonly column: number;
  /** A substring of the message. */
  readonly message?: string;
  readonly severity?: 'error' | 'warning';
}

function resultsOf(id: string, source: string, opts?: StaticOptions): CheckResult[] {
  return checkStatic('test.ts', source, opts).filter((r) => r.id === id);
}

function show(results: readonly CheckResult[]): string {
  return results.map((r) => `${r.line}:${r.column} ${r.message}`).join('\n');
}

/** The check ran and passed: exactly one result, ok. */
export function assertValid(id: string, source: string, opts?: StaticOptions): void {
  const results = resultsOf(id, source, opts);
  assert.equal(results.length, 1, `${id}: expected one passing result, got:\n${show(results)}`);
  assert.equal(results[0].ok, true, `${id}: expected a pass, got:\n${show(results)}`);
}

/** The check failed with exactly these findings, in order. */
export function assertInvalid(
  id: string,
  source: string,
  expected: readonly Expected[],
  opts?: StaticOptions,
): CheckResult[] {
  const results = resultsOf(id, source, opts);
  const where = `${id}: got\n${show(results)}\n`;
  assert.equal(results.length, expected.length, `${where}expected ${expected.length} finding(s)`);
  expected.forEach((e, i) => {
    const r = results[i];
    assert.equal(r.ok, false, where);
    assert.deepEqual([r.line, r.column], [e.line, e.column], `${where}finding ${i} position`);
    if (e.message !== undefined) {
      assert.ok(
        r.message.includes(e.message),
        `${where}finding ${i} should mention '${e.message}'`,
      );
    }
    assert.equal(r.severity, e.severity ?? 'error', `${where}finding ${i} severity`);
  });
  return results;
}

/** No check other than those in `ids` reports anything (guards test files against unrelated noise). */
export function assertOnlyFails(
  source: string,
  ids: readonly string[],
  opts?: StaticOptions,
): void {
  const others = checkStatic('test.ts', source, opts).filter((r) => !r.ok && !ids.includes(r.id));
  assert.deepEqual(
    others.map((r) => `${r.id} ${r.line}:${r.column} ${r.message}`),
    [],
  );
}
