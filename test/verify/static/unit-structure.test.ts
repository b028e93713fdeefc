// static/unit-structure: the tree of units and the default block() export.
import { test } from 'node:test';
import { assertInvalid, assertValid } from './helpers';

const ID = 'static/unit-structure';
const IMPORT = "import { unit, block, ops, type Ctx, type Tensor, type Z } from 'blocksmith/gab';";
/** Lines 1-3. */
const HEAD = [IMPORT, 'export const hparams = { k: 2 };', 'type H = typeof hparams;'];
const file = (...lines: string[]): string => [...HEAD, ...lines, ''].join('\n');

const LEAF =
  "const Leaf = unit({ name: 'Leaf', children: [], forward(c: Ctx<H>, x, z) { return [ops.mul(x, c.hp.k), z]; } });";
const EXPORT = "export default block({ name: 'test', hparams, root: Root });";

void test('unit-structure: a two-level tree, a child called twice with labels', () => {
  assertValid(
    ID,
    file(
      LEAF,
      'const Root = unit({',
      "  name: 'Root',",
      '  children: [Leaf],',
      '  forward: (c: Ctx<H>, x, z) => {',
      "    const [a, z1] = c.call(Leaf, x, z, 'first');",
      "    return c.call(Leaf, a, z1, 'second');",
      '  },',
      '});',
      EXPORT,
    ),
  );
});

const root = (children: string, body: string): string =>
  `const Root = unit({ name: 'Root', children: [${children}], forward(c: Ctx<H>, x, z) { ${body} } });`;

void test('unit-structure: unit name must equal the const name, and be literal', () => {
  assertInvalid(
    ID,
    file(
      LEAF.replace("name: 'Leaf'", "name: 'Leef'"),
      root('Leaf', 'return c.call(Leaf, x, z);'),
      EXPORT,
    ),
    [{ line: 4, column: 27, message: "'Leef' must equal its const name 'Leaf'" }],
  );
  assertInvalid(
    ID,
    file(
      LEAF.replace("name: 'Leaf'", "name: 'Le' + 'af'"),
      root('Leaf', 'return c.call(Leaf, x, z);'),
      EXPORT,
    ),
    [{ line: 4, column: 27, message: 'literal' }],
  );
});

void test('unit-structure: children must be units of the file', () => {
  assertInvalid(
    ID,
    file(LEAF, 'const Other = Leaf;', root('Leaf, Other', 'return c.call(Leaf, x, z);'), EXPORT),
    [
      { line: 5, column: 15, message: "unit 'Leaf' is used as a value" },
      { line: 6, column: 52, message: "'Other' is not one" },
    ],
  );
});

void test('unit-structure: c.call of a unit not in children; a child never called', () => {
  assertInvalid(ID, file(LEAF, root('', 'return c.call(Leaf, x, z);'), EXPORT), [
    { line: 4, column: 7, message: 'not reachable', severity: 'warning' },
    { line: 5, column: 90, message: "calls 'Leaf', which is not in its children" },
  ]);
  assertInvalid(ID, file(LEAF, root('Leaf', 'return [x, z];'), EXPORT), [
    { line: 5, column: 46, message: 'never runs it' },
  ]);
});

void test('unit-structure: cycles', () => {
  const a =
    "const A = unit({ name: 'A', children: [B], forward(c: Ctx<H>, x, z) { return c.call(B, x, z); } });";
  const b =
    "const B = unit({ name: 'B', children: [A], forward(c: Ctx<H>, x, z) { return c.call(A, x, z); } });";
  assertInvalid(ID, file(a, b, "export default block({ name: 'test', hparams, root: A });"), [
    { line: 4, column: 7, message: 'A -> B -> A' },
  ]);
});

void test('unit-structure: unit() and c.call outside their places', () => {
  assertInvalid(
    ID,
    file(
      LEAF,
      'function make() {',
      "  return unit({ name: 'Made', children: [], forward(c: Ctx<H>, x, z) { return [x, z]; } });",
      '}',
      'function helper(c: Ctx<H>, x: Tensor, z: Z): [Tensor, Z] {',
      '  return c.call(Leaf, x, z);',
      '}',
      root('Leaf', 'void make; void helper; return c.call(Leaf, x, z);'),
      EXPORT,
    ),
    [
      { line: 6, column: 10, message: 'unit() outside a top-level const' },
      { line: 9, column: 10, message: 'c.call(Unit, ...) outside a unit' },
    ],
  );
});

void test('unit-structure: duplicate names, let units, unreachable units', () => {
  assertInvalid(
    ID,
    file(LEAF, LEAF.replace('const', 'let'), root('Leaf', 'return c.call(Leaf, x, z);'), EXPORT),
    [
      { line: 5, column: 1, message: 'is not a const' },
      { line: 5, column: 5, message: 'declared twice' },
    ],
  );
  const spare = LEAF.replace(/Leaf/g, 'Spare');
  assertInvalid(ID, file(LEAF, spare, root('Leaf', 'return c.call(Leaf, x, z);'), EXPORT), [
    { line: 5, column: 7, message: "'Spare' is not reachable", severity: 'warning' },
  ]);
});

void test('unit-structure: the default export', () => {
  const body = root('Leaf', 'return c.call(Leaf, x, z);');
  assertInvalid(ID, file(LEAF, body), [{ line: 1, column: 1, message: 'no default export' }]);
  assertInvalid(ID, file(LEAF, body, 'export default Root;'), [
    { line: 6, column: 16, message: 'must be a block() call' },
  ]);
  assertInvalid(
    ID,
    file(
      LEAF,
      body,
      "export default block({ name: 'test', hparams, root: Leaf2 });",
      'const Leaf2 = Leaf;',
    ),
    [
      { line: 6, column: 53, message: "root 'Leaf2' is not a unit" },
      { line: 7, column: 15, message: "unit 'Leaf' is used as a value" },
    ],
  );
  assertInvalid(
    ID,
    file(LEAF, body, "export default block({ name: 'My Design', hparams, root: Root });"),
    [{ line: 6, column: 30, message: 'kebab-case', severity: 'warning' }],
  );
});
