// The end-to-end suite in a real VS Code (`npm run test:e2e`, after the build, the test compile
// and scripts/e2e-setup.sh):
//   host     the in-host tests (test/e2e/host/*.test.ts) in VS Code's extension host
//   ui       the UI flows (test/e2e/ui/*.mjs) in code-server driven by Playwright + Chromium
//   webview  the dashboard webview's own Chromium tests (test/webview/run.mjs), when present
// Usage: node scripts/e2e.mjs [--only host,ui,webview] [--keep] [filter ...]
//   filter: substrings of UI flow names / in-host test names. --keep keeps the scratch folder.
// Everything it starts runs in its own process group and is killed on exit, even on failure.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeScratch, repo, toolPaths } from './e2e/env.mjs';
import { runHostSuite } from './e2e/host.mjs';
import { installExitHandlers, start } from './e2e/procs.mjs';
import { runUiSuite } from './e2e/ui.mjs';

const PHASES = ['host', 'ui', 'webview'];

function parseArgs(argv) {
  const opts = { only: PHASES, keep: false, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') opts.keep = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(7) : argv[++i];
      opts.only = (v ?? '').split(',').filter(Boolean);
      const bad = opts.only.filter((p) => !PHASES.includes(p));
      if (bad.length > 0 || opts.only.length === 0) {
        throw new Error(`--only takes ${PHASES.join(', ')} (comma-separated); got "${v}"`);
      }
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}; see the file's header`);
    else opts.filters.push(a);
  }
  return opts;
}

async function runWebview(paths, scratch) {
  const runner = join(repo, 'test', 'webview', 'run.mjs');
  if (!existsSync(runner)) {
    console.log('  # test/webview/run.mjs is not there yet: skipped');
    return { ok: true, skipped: true };
  }
  const proc = start(process.execPath, [runner], {
    cwd: repo,
    env: { ...scratch.env, CHROMIUM: paths.chromium },
    onLine: (l) => console.log(`  ${l}`),
  });
  const { code, signal } = await proc.exited;
  return { ok: code === 0, code: code ?? signal };
}

function describe(name, r) {
  if (r.skipped) return `${name}: skipped`;
  const counts = r.passed !== undefined ? ` (${r.passed} passed, ${r.failed} failed)` : '';
  return `${name}: ${r.ok ? 'passed' : 'FAILED'}${counts}${r.ok ? '' : `, code ${r.code}`}`;
}

async function main() {
  const t0 = Date.now();
  const opts = parseArgs(process.argv.slice(2));
  const paths = toolPaths();
  const scratch = makeScratch();
  // Playwright's browser profiles go under os.tmpdir(): keep them in the scratch folder too.
  process.env.TMPDIR = scratch.tmp;
  installExitHandlers(() => {
    if (!opts.keep) rmSync(scratch.root, { recursive: true, force: true });
  });
  console.log(`e2e: scratch ${scratch.root}${opts.keep ? ' (kept)' : ''}`);
  const filter = opts.filters.join(',');
  const results = [];
  for (const phase of opts.only) {
    const t = Date.now();
    console.log(`\ne2e: ${phase}`);
    let r;
    try {
      if (phase === 'host') r = await runHostSuite(paths, scratch, { filter });
      else if (phase === 'ui') r = await runUiSuite(paths, scratch, { filters: opts.filters });
      else r = await runWebview(paths, scratch);
    } catch (err) {
      console.log(`  # ${phase} could not run: ${err?.stack ?? err}`);
      r = { ok: false, code: 'error' };
    }
    results.push([phase, r, Date.now() - t]);
  }
  console.log('\ne2e summary:');
  for (const [phase, r, ms] of results) {
    console.log(`  ${describe(phase, r)} in ${(ms / 1000).toFixed(1)} s`);
  }
  const ok = results.every(([, r]) => r.ok);
  console.log(`e2e: ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`e2e: screenshots in ${join(repo, 'test-results', 'e2e')}`);
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(`e2e: ${err?.message ?? err}`);
  process.exit(1);
});
