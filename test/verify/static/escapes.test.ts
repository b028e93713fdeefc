// The holes red-teaming found in the static checks, each closed: state through aliases, ctx and
// parameters; constructors and reads through destructuring or const keys; import.meta, module
// `this`, debugger; units run behind the children lists. Valid look-alikes stay valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStatic } from '../../../src/verify/static';
import { assertValid, blockFile, inForward } from './helpers';

/** The ids of the failed checks of a source, with their messages. */
function failures(source: string): string[] {
  return checkStatic('block.ts', source)
    .filter((c) => !c.ok && c.severity === 'error')
    .map((c) => `${c.id}: ${c.message}`);
}

function assertCaught(id: string, source: string, message: RegExp): void {
  const got = failures(source);
  assert.ok(
    got.some((f) => f.startsWith(`${id}:`) && message.test(f)),
    `expected ${id} ~ ${String(message)}; got:\n${got.join('\n')}`,
  );
}

void test('module-state: fresh local objects may be mutated, in the function that made them', () => {
  assertValid(
    'static/module-state',
    inForward(
      'const out: number[] = new Array<number>(3).fill(0);',
      'out[0] = 1;',
      'const parts = ops.split(x, 2, -1).reverse();',
      'const o = { a: 1 };',
      'o.a += parts.length;',
      'const xs = [1, 2].map((v) => v * o.a);',
      'xs.push(out[0] ?? 0);',
    ),
  );
});

void test('module-state: state through aliases, c.hp, parameters and closures', () => {
  const alias = blockFile(['const memo = { n: 0 };'], ['const m = memo;', 'm.n += 1;']);
  assertCaught('static/module-state', alias, /mutates `m`/);
  const hp = inForward('(c.hp as unknown as Record<string, number>).calls = 1;');
  assertCaught('static/module-state', hp, /not an object this function created/);
  const param = inForward("(c.param('w', [1]) as unknown as { seen: boolean }).seen = true;");
  assertCaught('static/module-state', param, /not an object this function created/);
  const closure = blockFile(
    ['const tick = (() => {', '  const s = { n: 0 };', '  return () => ++s.n;', '})();'],
    ['void tick();'],
  );
  assertCaught('static/module-state', closure, /mutates `s`/);
  const helper = blockFile(['function bump(o: { n: number }): void {', '  o.n++;', '}'], []);
  assertCaught('static/module-state', helper, /mutates `o`/);
});

void test('forbidden-global: destructuring, import.meta, module this, debugger', () => {
  const id = 'static/forbidden-global';
  assertCaught(id, inForward('const { constructor: F } = ops.add;', 'void F;'), /constructor/);
  assertCaught(id, inForward("const { ['constructor']: F } = ops.add;", 'void F;'), /constructor/);
  assertCaught(id, inForward('const k = "a";', 'const { [k]: F } = ops as never;'), /computed key/);
  assertCaught(id, inForward('const m: unknown = import.meta;', 'void m;'), /import\.meta/);
  assertCaught(id, blockFile(['const self: unknown = this;'], []), /`this` at module level/);
  assertCaught(id, inForward('debugger;'), /debugger/);
  assertValid(id, inForward('const { shape } = x;', 'const f = () => shape;', 'void f;'));
});

void test('host-read: const keys, destructuring and `+` on a tensor', () => {
  const id = 'static/host-read';
  const cast = '(x as unknown as Record<string, () => void>)';
  assertCaught(id, inForward("const k = 'dataSync';", `${cast}[k]();`), /dataSync/);
  assertCaught(id, inForward('const { arraySync } = x as never;', 'void arraySync;'), /arraySync/);
  assertCaught(id, inForward("const s = x + '';", 'void s;'), /converts it to text/);
  assertValid(id, inForward("const s = 'n' + x.shape.length;", 'void s;'));
});

void test('unit-structure: units only in children, c.call and root; c.call only called', () => {
  const id = 'static/unit-structure';
  const leaf =
    "const Leaf = unit({ name: 'Leaf', children: [], forward(c: Ctx<H>, x, z) { return [x, z]; } });";
  const root = (body: string): string =>
    `const Root = unit({ name: 'Root', children: [], forward(c: Ctx<H>, x, z) { ${body} } });`;
  const file = (body: string): string =>
    [
      "import { unit, block, type Ctx } from 'blocksmith/gab';",
      'export const hparams = {};',
      'type H = typeof hparams;',
      leaf,
      root(body),
      "export default block({ name: 'test', hparams, root: Root });",
    ].join('\n');
  assertCaught(id, file('const run = c.call.bind(c); return run(Leaf, x, z);'), /taken without/);
  assertCaught(id, file('return Leaf.forward(c, x, z);'), /'Leaf' is used as a value/);
});
