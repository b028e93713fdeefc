// static/forbidden-global: host names, impure built-ins and prototype access.
import { test } from 'node:test';
import { assertInvalid, assertOnlyFails, assertValid, atTop, inForward } from './helpers';

const ID = 'static/forbidden-global';

void test('forbidden-global: pure built-ins, locals and shadowed names are fine', () => {
  const source = inForward(
    "const a = Math.sqrt(4) + Math.max(1, 2) + Number.parseInt('3', 10) + Math['abs'](-1);",
    'const b = Array.from({ length: 2 }, (_, i) => i).map(Number).filter(Boolean);',
    'const o = Object.freeze(Object.assign({}, { a }, Object.fromEntries(Object.entries({ b }))));',
    'const s = new Set<number>([1]);',
    'const m = new Map<string, number>(Object.keys(o).map((k) => [k, 1]));',
    'if (!isFinite(a) || isNaN(a) || a === Infinity || Number.isNaN(NaN) || s.size === undefined) {',
    '  throw new RangeError(String(b) + String(m.size));',
    '}',
    'const Date = 3;',
    'const process = { env: 1 };',
    'const xs = [1, 2];',
    'const first = xs[0]! + xs[Date - 3]! + process.env + x.shape[xs.length - 2]!;',
    'if (first < 0) { throw new TypeError(`bad ${first}`); }',
  );
  assertValid(ID, source);
  assertOnlyFails(source, []);
});

// [source line, column of the finding, text the message names]
const invalid: [string, number, string][] = [
  ['process.exit(1);', 5, '`process`'],
  ['const r = require;', 15, '`require`'],
  ['const m = module;', 15, '`module`'],
  ['const e = exports;', 15, '`exports`'],
  ['const g = global;', 15, '`global`'],
  ['const g = globalThis;', 15, '`globalThis`'],
  ["eval('1');", 5, '`eval`'],
  ["const f = new Function('return 1');", 19, '`Function`'],
  ['setTimeout(() => 0, 1);', 5, '`setTimeout`'],
  ['setInterval(() => 0, 1);', 5, '`setInterval`'],
  ['setImmediate(() => 0);', 5, '`setImmediate`'],
  ['queueMicrotask(() => 0);', 5, '`queueMicrotask`'],
  ['const r = Math.random();', 15, '`Math.random`'],
  ["const r = Math['random']();", 15, '`Math.random`'],
  ['const t = Date.now();', 15, '`Date`'],
  ["void fetch('http://example.com');", 10, '`fetch`'],
  ['const w = WebAssembly;', 15, '`WebAssembly`'],
  ['const r = Reflect.ownKeys({});', 15, '`Reflect`'],
  ['const p = new Proxy({}, {});', 19, '`Proxy`'],
  ["const b = Buffer.from('x');", 15, '`Buffer`'],
  ['const j = JSON.stringify(1);', 15, '`JSON`'],
  ['console.log(1);', 5, '`console`'],
  ["const s = Symbol('x');", 15, '`Symbol`'],
  ['const p = Promise.resolve(1);', 15, '`Promise`'],
  ['const a = new Float32Array(2);', 19, '`Float32Array`'],
  ['const k = (x as any).constructor;', 26, '`constructor`'],
  ['const p = ops.add.prototype;', 23, '`prototype`'],
  ['const q = { __proto__: null };', 17, '`__proto__`'],
  ["const k = x['constructor'];", 17, '`constructor`'],
  ['const o = Object;', 15, 'Object.member'],
  ['const m = Math;', 15, 'Math.member'],
  ['const g = Object.getPrototypeOf(x);', 15, '`Object.getPrototypeOf`'],
  ["Object.defineProperty(x, 'a', { value: 1 });", 5, '`Object.defineProperty`'],
  ['Object.setPrototypeOf(x, null);', 5, '`Object.setPrototypeOf`'],
  ['Object.assign(c.hp, { k: 3 });', 5, '`Object.assign`'],
  ['Error.captureStackTrace({});', 5, '`Error.captureStackTrace`'],
  ['const e = new TypeError().stack ?? RangeError.name;', 40, '`RangeError.name`'],
];

for (const [line, column, message] of invalid) {
  void test(`forbidden-global: ${line}`, () => {
    assertInvalid(ID, inForward(line), [{ line: 8, column, message }]);
  });
}

void test('forbidden-global: computed string keys cannot be checked and are refused', () => {
  const source = inForward(
    'const key: string = String(c.hp.k);',
    'const v = (c.hp as Record<string, unknown>)[key];',
    "const w = (c.hp as Record<string, unknown>)[true ? 'k' : 'constructor'];",
  );
  assertInvalid(ID, source, [
    { line: 9, column: 49, message: 'non-literal string key' },
    { line: 10, column: 49, message: '`constructor`' },
  ]);
});

void test('forbidden-global: ambient declarations and namespaces', () => {
  const source = atTop(
    'declare const process: { exit(code: number): void };',
    'namespace N {',
    '  export const a = 1;',
    '}',
    'export const b = N.a + 1;',
  );
  assertInvalid(ID, source, [
    { line: 4, column: 1, message: '`declare`' },
    { line: 5, column: 11, message: 'namespaces' },
  ]);
});
