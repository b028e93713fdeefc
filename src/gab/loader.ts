// Loads a block file: transpile TypeScript to CommonJS, then evaluate it in a fresh V8 context
// whose only reachable module is the GAB contract. This is defence in depth behind the static
// checks and the sandboxed child process: no `require`, `process`, timers or string eval exist
// in that context, and Math.random throws.
import * as vm from 'node:vm';
import ts from 'typescript';
import type { Block } from './contract';
import { isBlock } from './define';
import { GabError } from './errors';
import * as gab from './index';

/** The module name block files import. */
export const GAB_MODULE = 'blocksmith/gab';

/** TypeScript source to CommonJS JavaScript (types erased, no type checking). */
export function transpileBlock(fileName: string, source: string): string {
  const out = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: false,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: false,
      sourceMap: false,
      inlineSourceMap: false,
    },
  });
  return out.outputText;
}

/** Evaluates a block file and returns its default export. Throws GabError on a bad module. */
export function loadBlock(fileName: string, source: string, timeoutMs = 5_000): Block {
  const code = transpileBlock(fileName, source);
  const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext(
    "Math.random = () => { throw new Error('Math.random is not allowed in block code: declare a parameter with an init instead'); };",
    context,
  );
  const wrapper = vm.runInContext(`(function (exports, require, module) {${code}\n})`, context, {
    filename: fileName,
  }) as (exports: unknown, require: (id: string) => unknown, module: { exports: unknown }) => void;
  const module = { exports: {} as Record<string, unknown> };
  const requireGab = (id: string): unknown => {
    if (id !== GAB_MODULE) {
      throw new GabError(`block files may import only '${GAB_MODULE}', not '${id}'`);
    }
    return gab;
  };
  const run = vm.runInContext('(f, a, b, c) => f(a, b, c)', context, { filename: fileName }) as (
    ...args: unknown[]
  ) => void;
  // The top-level code runs under a timeout: an endless loop at module level cannot hang us.
  const guarded = new vm.Script('__run(__f, __e, __r, __m)', { filename: fileName });
  Object.assign(context, {
    __run: run,
    __f: wrapper,
    __e: module.exports,
    __r: requireGab,
    __m: module,
  });
  guarded.runInContext(context, { timeout: timeoutMs });
  const def = module.exports.default;
  if (!isBlock(def)) {
    throw new GabError(`${fileName}: the default export must be block({ name, hparams, root })`);
  }
  return def;
}
