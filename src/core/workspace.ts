// A discovery workspace on disk: designs/<id>/block.ts + design.json, and the contract and a
// tsconfig so that the editor's own TypeScript type-checks blocks against 'blocksmith/gab'.
// Shared by the CLI and the extension; no vscode import here. Never overwrites a user's file.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { contractPath, seedsDir } from '../paths';

/** Where the contract lives inside a workspace, relative to its root. */
export const WORKSPACE_CONTRACT = '.blocksmith/gab.d.ts';
/** The block file and its metadata inside each design folder. */
export const BLOCK_FILE = 'block.ts';
export const DESIGN_FILE = 'design.json';

export interface InitOptions {
  /** Seed designs to copy (default: the package's templates/seeds). */
  readonly seedsDir?: string;
  /** The contract declaration file to copy (default: the package's src/gab/contract.d.ts). */
  readonly contractPath?: string;
}

export interface InitResult {
  /** The workspace root, as given. */
  readonly root: string;
  /** Files written, relative to the root. */
  readonly created: readonly string[];
  /** Files or design folders that already existed and were left as they are, relative to root. */
  readonly kept: readonly string[];
  /** Seed names found, sorted. */
  readonly seeds: readonly string[];
}

export interface DesignEntry {
  /** The folder name under designs/. */
  readonly id: string;
  /** Absolute path of designs/<id>/. */
  readonly dir: string;
  /** Absolute path of its block.ts. */
  readonly blockPath: string;
  /** design.json, parsed, or undefined when absent or unreadable. */
  readonly meta: Readonly<Record<string, unknown>> | undefined;
}

/** The seed names: the folders of `dir` that hold a block.ts, sorted. */
export function listSeeds(dir: string = seedsDir()): string[] {
  if (!existsSync(dir)) {
    throw new Error(
      `no seed designs at ${dir}: the package is incomplete; reinstall Blocksmith or restore templates/seeds/`,
    );
  }
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, BLOCK_FILE)))
    .map((e) => e.name)
    .sort();
}

/** The tsconfig a workspace gets: 'blocksmith/gab' resolves to the copied contract, no Node types. */
export function workspaceTsconfig(): Record<string, unknown> {
  return {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'esnext',
      moduleResolution: 'bundler',
      strict: true,
      noEmit: true,
      // Block code may not use Node: no @types/node globals, so the editor does not offer them.
      types: [],
      paths: { 'blocksmith/gab': [`./${WORKSPACE_CONTRACT}`] },
    },
    include: ['designs/**/*.ts', WORKSPACE_CONTRACT],
  };
}

/** design.json for a seed: the seed's own if it ships one, else a minimal record. */
function seedMeta(seedDir: string, seed: string): string {
  const own = join(seedDir, DESIGN_FILE);
  if (existsSync(own)) {
    return readFileSync(own, 'utf8');
  }
  const meta = {
    id: seed,
    seed,
    parents: [],
    operator: 'seed',
    createdAt: new Date().toISOString(),
  };
  return JSON.stringify(meta, null, 2) + '\n';
}

/**
 * Creates (or completes) a discovery workspace at `root`. Idempotent: an existing design folder,
 * contract copy or tsconfig is kept and reported in `kept`, never overwritten.
 */
export function initWorkspace(root: string, opts: InitOptions = {}): InitResult {
  const seedRoot = opts.seedsDir ?? seedsDir();
  const seeds = listSeeds(seedRoot);
  if (seeds.length === 0) {
    throw new Error(`no seed designs (folders with ${BLOCK_FILE}) in ${seedRoot}`);
  }
  const created: string[] = [];
  const kept: string[] = [];
  const writeNew = (rel: string, write: (abs: string) => void): void => {
    const abs = join(root, rel);
    if (existsSync(abs)) {
      kept.push(rel);
      return;
    }
    mkdirSync(join(abs, '..'), { recursive: true });
    write(abs);
    created.push(rel);
  };
  for (const seed of seeds) {
    const rel = join('designs', seed);
    if (existsSync(join(root, rel))) {
      kept.push(rel);
      continue;
    }
    const from = join(seedRoot, seed);
    writeNew(join(rel, BLOCK_FILE), (abs) => {
      copyFileSync(join(from, BLOCK_FILE), abs);
    });
    writeNew(join(rel, DESIGN_FILE), (abs) => {
      writeFileSync(abs, seedMeta(from, seed));
    });
  }
  writeNew(WORKSPACE_CONTRACT, (abs) => {
    copyFileSync(opts.contractPath ?? contractPath(), abs);
  });
  writeNew('tsconfig.json', (abs) => {
    writeFileSync(abs, JSON.stringify(workspaceTsconfig(), null, 2) + '\n');
  });
  return { root, created, kept, seeds };
}

/** The designs of a workspace: designs/<id>/ folders holding a block.ts, sorted by id. */
export function listDesigns(root: string): DesignEntry[] {
  const designs = join(root, 'designs');
  if (!existsSync(designs)) {
    return [];
  }
  return readdirSync(designs, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(designs, e.name, BLOCK_FILE)))
    .map((e) => {
      const dir = join(designs, e.name);
      return { id: e.name, dir, blockPath: join(dir, BLOCK_FILE), meta: readMeta(dir) };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

function readMeta(dir: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(join(dir, DESIGN_FILE), 'utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The seed to open first after init: the GPT one when present, else the first. */
export function preferredSeed(seeds: readonly string[]): string | undefined {
  return seeds.find((s) => /gpt/i.test(s)) ?? seeds[0];
}

/** A short human summary of an init, one line per fact, paths relative to `cwd`. */
export function describeInit(r: InitResult, cwd: string): string[] {
  const rel = relative(cwd, r.root);
  const at = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? r.root : rel;
  const lines = [`workspace ${at}: ${r.seeds.length} seed(s): ${r.seeds.join(', ')}`];
  for (const f of r.created) {
    lines.push(`  created ${join(at, f)}`);
  }
  for (const f of r.kept) {
    lines.push(`  kept    ${join(at, f)} (already exists, not overwritten)`);
  }
  return lines;
}
