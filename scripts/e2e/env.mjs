// Scratch folders, tool paths and discovery workspaces for the e2e suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '..', '..');

/** The tools scripts/e2e-setup.sh installed: { node, codeServer, serverMain, chromium }. */
export function toolPaths() {
  const cache = resolve(process.env.BLOCKSMITH_E2E_CACHE ?? join(repo, '.e2e'));
  const file = join(cache, 'paths.json');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`bash scripts/e2e-setup.sh\` first`);
  }
  const paths = JSON.parse(readFileSync(file, 'utf8'));
  for (const [k, p] of Object.entries(paths)) {
    if (!existsSync(p)) {
      throw new Error(`${k} (${p}) from ${file} is missing: rerun \`bash scripts/e2e-setup.sh\``);
    }
  }
  return paths;
}

/**
 * A scratch root for one suite run, with XDG_* and TMPDIR pointed inside it, so neither
 * code-server nor Chromium nor the extension writes into the home folder.
 */
export function makeScratch() {
  const root = mkdtempSync(join(tmpdir(), 'blocksmith-e2e-'));
  const dirs = {
    root,
    config: join(root, 'xdg', 'config'),
    data: join(root, 'xdg', 'data'),
    cache: join(root, 'xdg', 'cache'),
    tmp: join(root, 'tmp'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    TMPDIR: dirs.tmp,
  };
  // A code-server started from a VS Code terminal would otherwise talk to that VS Code.
  for (const k of Object.keys(env)) {
    if (k.startsWith('VSCODE_')) delete env[k];
  }
  return { ...dirs, env };
}

/** Settings every e2e workspace gets: a 50k run of a few seconds, no auto-approve. */
export const WORKSPACE_SETTINGS = {
  'blocksmith.train.stepsScale': 0.2,
  'blocksmith.ladder.rung': '50k',
  'blocksmith.evolve.autoApprove': false,
  'blocksmith.train.backend': 'wasm',
  'files.autoSave': 'off',
};

/**
 * A fresh discovery workspace at `dir`: `blocksmith init` (the seed designs) unless `empty`,
 * then .vscode/settings.json. Returns `dir`.
 */
export function makeWorkspace(dir, { empty = false, env = process.env } = {}) {
  mkdirSync(dir, { recursive: true });
  if (!empty) {
    const r = spawnSync(process.execPath, [join(repo, 'bin', 'blocksmith.js'), 'init', dir], {
      env,
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      throw new Error(
        `blocksmith init ${dir} failed (exit ${r.status}): ${r.stderr || r.stdout}\n` +
          'run `npm run build` first',
      );
    }
  }
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(
    join(dir, '.vscode', 'settings.json'),
    JSON.stringify(WORKSPACE_SETTINGS, null, 2) + '\n',
  );
  return dir;
}

/** Folder for screenshots: test-results/e2e (CI keeps it as an artifact). */
export function resultsDir() {
  const d = join(repo, 'test-results', 'e2e');
  mkdirSync(d, { recursive: true });
  return d;
}
