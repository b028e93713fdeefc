// The UI suite: each flow of test/e2e/ui/*.mjs gets a fresh workspace, a fresh code-server (the
// real VS Code web workbench with a Node extension host) and a fresh browser context, and drives
// the workbench as a user would. The extension is the repository folder itself, linked into
// code-server's extensions folder (code-server ignores the URL's extensionDevelopmentPath; a link
// needs no packaging step and loads as an installed extension does).
//
// A flow file exports `flows`: [{ name, workspace: 'seeded' | 'empty', timeoutMs?, run(ctx) }];
// ctx = { page, ws, port, shot(what), log(msg) } (test/e2e/ui/lib/workbench.mjs drives the page).
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser } from './browser.mjs';
import { makeWorkspace, repo, resultsDir } from './env.mjs';
import { freePort, start, stop, waitForHttp } from './procs.mjs';

const DEFAULT_FLOW_TIMEOUT_MS = 300_000;

async function loadFlows(filters) {
  const dir = join(repo, 'test', 'e2e', 'ui');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const flows = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(join(dir, f)).href);
    if (!Array.isArray(mod.flows)) {
      throw new Error(`test/e2e/ui/${f}: expected \`export const flows = [...]\``);
    }
    flows.push(...mod.flows);
  }
  return flows.filter((fl) => filters.length === 0 || filters.some((s) => fl.name.includes(s)));
}

/** User settings (these cannot be workspace settings): a quiet, uncluttered workbench. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
};

/** Links the repository into `dir` as <publisher>.<name>-<version>; code-server scans it at start. */
function linkExtension(dir) {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  mkdirSync(dir, { recursive: true });
  symlinkSync(repo, join(dir, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');
}

/** code-server on a free loopback port, serving `ws`; resolves once it answers. */
async function startCodeServer(paths, scratch, name, log) {
  const port = await freePort();
  const base = join(scratch.root, `cs-${name}`);
  const config = join(base, 'config.yaml');
  mkdirSync(base, { recursive: true });
  writeFileSync(config, 'auth: none\ncert: false\n');
  linkExtension(join(base, 'extensions'));
  mkdirSync(join(base, 'user-data', 'User'), { recursive: true });
  writeFileSync(
    join(base, 'user-data', 'User', 'settings.json'),
    JSON.stringify(USER_SETTINGS, null, 2),
  );
  const args = [
    paths.codeServer,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--config',
    config,
    '--user-data-dir',
    join(base, 'user-data'),
    '--extensions-dir',
    join(base, 'extensions'),
  ];
  const server = start(paths.node, args, {
    env: scratch.env,
    cwd: base,
    onLine: (l) => log.push(l),
  });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, server);
  return { server, port };
}

/** The workbench URL with `ws` open. */
function workbenchUrl(port, ws) {
  return `http://127.0.0.1:${port}/?${new URLSearchParams({ folder: ws }).toString()}`;
}

function shooter(page, name) {
  let n = 0;
  const dir = resultsDir();
  // A flow's screenshots are from its last run only.
  for (const f of readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))) {
    rmSync(join(dir, f), { force: true });
  }
  return async (what) => {
    n++;
    const file = join(dir, `${name}-${n}-${what}.png`);
    await page.screenshot({ path: file }).catch((e) => console.log(`  # screenshot ${file}: ${e}`));
    return file;
  };
}

async function runFlow(flow, paths, scratch, browser) {
  const ws = join(scratch.root, `ws-${flow.name}`);
  makeWorkspace(ws, { empty: flow.workspace === 'empty', env: scratch.env });
  const serverLog = [];
  const { server, port } = await startCodeServer(paths, scratch, flow.name, serverLog);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const shot = shooter(page, flow.name);
  const ctx = { page, ws, port, shot, log: (m) => console.log(`  # ${flow.name}: ${m}`) };
  const t = Date.now();
  let timer;
  try {
    await page.goto(workbenchUrl(port, ws));
    const ms = flow.timeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS;
    await Promise.race([
      flow.run(ctx),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
    console.log(`ok - ${flow.name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    return true;
  } catch (err) {
    await shot('failure');
    console.log(`not ok - ${flow.name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    for (const l of String(err?.stack ?? err)
      .split('\n')
      .slice(0, 12))
      console.log(`  # ${l}`);
    const tail = serverLog.filter((l) => /error|fail/i.test(l) && !/gallery|marketplace/i.test(l));
    for (const l of tail.slice(-10)) console.log(`  # server: ${l}`);
    return false;
  } finally {
    clearTimeout(timer);
    await context.close().catch(() => {});
    await stop(server);
  }
}

/** Runs every flow (or those whose name contains a filter); { ok, passed, failed }. */
export async function runUiSuite(paths, scratch, { filters = [] } = {}) {
  const flows = await loadFlows(filters);
  if (flows.length === 0) {
    return { ok: filters.length > 0, passed: 0, failed: 0, code: 'no flows' };
  }
  const browser = await launchBrowser(paths, scratch);
  let passed = 0;
  try {
    for (const flow of flows) {
      if (await runFlow(flow, paths, scratch, browser)) passed++;
    }
  } finally {
    await browser.close().catch(() => {});
  }
  const failed = flows.length - passed;
  return { ok: failed === 0, passed, failed, code: failed > 0 ? 1 : 0 };
}
