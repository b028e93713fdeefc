// Which globals block code may touch. Built-ins come from the ES2022 lib files; anything declared
// there and not allowed below is forbidden, and so are the host names that the in-memory program
// does not even declare (they would be a plain compile error otherwise: we say why instead).

/** Pure built-ins a block may use (members restricted further in MEMBER_RULES). */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  'Math',
  'Number',
  'Array',
  'Object',
  'Boolean',
  'String',
  'Infinity',
  'NaN',
  'undefined',
  'isFinite',
  'isNaN',
  'Error',
  'RangeError',
  'TypeError',
  'Map',
  'Set',
]);

/** Globals that may appear only as `G.member`, with the members allowed. */
export const MEMBER_RULES: ReadonlyMap<string, (member: string) => boolean> = new Map([
  ['Math', (m: string) => m !== 'random'],
  [
    'Object',
    (m: string) => ['keys', 'values', 'entries', 'freeze', 'fromEntries', 'isFrozen'].includes(m),
  ],
]);

/** Error constructors: `new Error(...)` is fine, their static members (stack-trace hooks) are not. */
export const NO_MEMBERS: ReadonlySet<string> = new Set(['Error', 'RangeError', 'TypeError']);

/** Object methods allowed only on a fresh object or array literal (they mutate their target). */
export const OBJECT_MUTATORS: ReadonlySet<string> = new Set([
  'assign',
  'defineProperty',
  'defineProperties',
  'setPrototypeOf',
]);

/** Host and platform names, declared or not in ES2022: always the forbidden-global message. */
export const HOST_GLOBALS: ReadonlySet<string> = new Set([
  'process',
  'require',
  'module',
  'exports',
  'global',
  'globalThis',
  '__dirname',
  '__filename',
  'eval',
  'Function',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'clearInterval',
  'clearImmediate',
  'queueMicrotask',
  'requestAnimationFrame',
  'Date',
  'fetch',
  'WebAssembly',
  'Reflect',
  'Proxy',
  'Buffer',
  'console',
  'performance',
  'crypto',
  'structuredClone',
  'XMLHttpRequest',
  'WebSocket',
  'Worker',
  'SharedArrayBuffer',
  'Atomics',
  'window',
  'self',
  'document',
  'navigator',
  'localStorage',
  'importScripts',
  'Deno',
  'Bun',
]);

/** Member names that reach prototypes or constructors: forbidden on anything, even via `as any`. */
export const FORBIDDEN_MEMBERS: ReadonlySet<string> = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'caller',
  'callee',
]);

const WHY = {
  random:
    'randomness comes only from seeded parameter inits: declare c.param(name, shape, "normal") instead',
  Date: 'a block is a pure function: no clocks',
  timers: 'a block is a pure function: no timers or async work',
  host: 'block code has no access to the host (no modules, process, I/O or code generation)',
  console: 'remove the logging: blocks cannot print',
  other:
    'blocks may use only the contract ops and pure built-ins (Math, Number, Array, Object.keys, ...)',
} as const;

/** The reason a global is forbidden, for the message. */
export function whyForbidden(name: string): string {
  if (name === 'Math.random') {
    return WHY.random;
  }
  if (name === 'Date' || name === 'performance') {
    return WHY.Date;
  }
  if (/Timeout|Interval|Immediate|Microtask|AnimationFrame|Promise/.test(name)) {
    return WHY.timers;
  }
  if (name === 'console') {
    return WHY.console;
  }
  return HOST_GLOBALS.has(name) ? WHY.host : WHY.other;
}
