// The in-memory TypeScript program block files are checked in. One cached LanguageService
// (module-level) serves three kinds of file: the block under check (one virtual path whose
// version bumps when its text changes), the GAB contract as the module 'blocksmith/gab', and the
// ES2022 lib files from the typescript package. No DOM and no @types/node are ever loaded, so
// `process`, `require` or `setTimeout` do not exist in this program. Only the block's version
// changes between checks, so lib SourceFiles stay parsed and bound in the DocumentRegistry.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { contractPath } from '../../paths';

/** The module block files may import. */
export const GAB_MODULE = 'blocksmith/gab';
/** Where the block under check lives in the virtual program. */
export const BLOCK_PATH = '/blocksmith-virtual/block.ts';
/** Where the contract lives in the virtual program. */
export const CONTRACT_PATH = '/blocksmith-virtual/gab.d.ts';

const LIB_DIR = dirname(ts.getDefaultLibFilePath({ target: ts.ScriptTarget.ES2022 }));

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
  strict: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  noEmit: true,
  skipLibCheck: true,
  isolatedModules: true,
};

interface BlockState {
  text: string;
  version: number;
  snapshot: ts.IScriptSnapshot;
}

const block: BlockState = { text: '', version: 0, snapshot: ts.ScriptSnapshot.fromString('') };
const fixedSnapshots = new Map<string, ts.IScriptSnapshot>();

function readFixed(path: string): string | undefined {
  if (path === CONTRACT_PATH) {
    return readFileSync(contractPath(), 'utf8');
  }
  // Only the typescript package's lib files are reachable, nothing else on disk.
  if (dirname(path) === LIB_DIR && /^lib\.[\w.]+\.d\.ts$/.test(path.slice(LIB_DIR.length + 1))) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function snapshotOf(path: string): ts.IScriptSnapshot | undefined {
  if (path === BLOCK_PATH) {
    return block.snapshot;
  }
  let snap = fixedSnapshots.get(path);
  if (snap === undefined) {
    const text = readFixed(path);
    if (text === undefined) {
      return undefined;
    }
    snap = ts.ScriptSnapshot.fromString(text);
    fixedSnapshots.set(path, snap);
  }
  return snap;
}

function resolveModules(
  literals: readonly ts.StringLiteralLike[],
): ts.ResolvedModuleWithFailedLookupLocations[] {
  return literals.map((lit) =>
    lit.text === GAB_MODULE
      ? {
          resolvedModule: {
            resolvedFileName: CONTRACT_PATH,
            extension: ts.Extension.Dts,
            isExternalLibraryImport: false,
          },
        }
      : { resolvedModule: undefined },
  );
}

const host: ts.LanguageServiceHost = {
  getCompilationSettings: () => COMPILER_OPTIONS,
  getScriptFileNames: () => [BLOCK_PATH],
  getScriptVersion: (path) => (path === BLOCK_PATH ? String(block.version) : '0'),
  getScriptSnapshot: snapshotOf,
  getCurrentDirectory: () => '/blocksmith-virtual',
  getDefaultLibFileName: (options) => join(LIB_DIR, ts.getDefaultLibFileName(options)),
  fileExists: (path) => snapshotOf(path) !== undefined,
  readFile: (path) => {
    const snap = snapshotOf(path);
    return snap?.getText(0, snap.getLength());
  },
  resolveModuleNameLiterals: resolveModules,
  resolveTypeReferenceDirectiveReferences: (refs) =>
    refs.map(() => ({ resolvedTypeReferenceDirective: undefined })),
};

const registry = ts.createDocumentRegistry();
let service: ts.LanguageService | undefined;

/** The program holding `source` as the block file (cached; rebuilt only for what changed). */
export function programFor(source: string): { program: ts.Program; sourceFile: ts.SourceFile } {
  if (source !== block.text || block.version === 0) {
    block.text = source;
    block.version += 1;
    block.snapshot = ts.ScriptSnapshot.fromString(source);
  }
  service ??= ts.createLanguageService(host, registry);
  const program = service.getProgram();
  const sourceFile = program?.getSourceFile(BLOCK_PATH);
  if (program === undefined || sourceFile === undefined) {
    throw new Error(
      'static check: the TypeScript language service built no program for the block; ' +
        'this is a bug in src/verify/static/service.ts',
    );
  }
  return { program, sourceFile };
}
