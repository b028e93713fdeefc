// The in-host suite: VS Code's server (code-server's bundled VS Code) with the smoke-test driver,
// opened in Chromium with extensionDevelopmentPath = the repository and extensionTestsPath =
// out/test/e2e/host/index.js. The tests run inside the real extension host; when they end the
// workbench calls window.codeAutomationExit(code), which Playwright exposes to us.
import { join } from 'node:path';
import { freePort, start, stop, waitForHttp } from './procs.mjs';
import { launchBrowser } from './browser.mjs';
import { makeWorkspace, repo } from './env.mjs';

const TAP = /^(ok|not ok) \d+ |^\s*# |^TAP version|^1\.\.\d+|^# in-host/;

/** Server arguments shared by both suites' VS Code servers. */
function serverArgs(paths, port, scratch) {
  return [
    paths.serverMain,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-telemetry',
    // Train, Evolve and Accept run block code, which an untrusted workspace refuses (E5-train)
    '--disable-workspace-trust',
    '--server-data-dir',
    join(scratch.root, 'host-server-data'),
    '--user-data-dir',
    join(scratch.root, 'host-user-data'),
    '--extensions-dir',
    join(scratch.root, 'host-extensions'),
  ];
}

/** The payload URL that makes the workbench an extension development host running the tests. */
export function testUrl(port, folder) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(repo)],
    ['extensionTestsPath', remote(join(repo, 'out', 'test', 'e2e', 'host', 'index.js'))],
  ];
  const q = new URLSearchParams({ folder, payload: JSON.stringify(payload) });
  return `http://127.0.0.1:${port}/?${q.toString()}`;
}

/**
 * Runs the in-host tests; resolves { ok, passed, failed, lines }. `timeoutMs` bounds the whole
 * suite (the runner bounds each test).
 */
export async function runHostSuite(paths, scratch, { filter, timeoutMs = 900_000 } = {}) {
  const ws = makeWorkspace(join(scratch.root, 'host-ws'), { env: scratch.env });
  const port = await freePort();
  const env = { ...scratch.env };
  if (filter) env.BLOCKSMITH_E2E_HOST_FILTER = filter;
  const lines = [];
  const serverLog = [];
  // The extension host's console goes to the server's log and to the page's console; print
  // TAP lines once, from whichever says them first.
  const seen = new Set();
  const verbose = Boolean(process.env.BLOCKSMITH_E2E_VERBOSE);
  const onTap = (line) => {
    if (verbose) console.log(`  | ${line}`);
    // The page's console prefixes the host's lines with '%c INFO color: #33f '.
    const l = line.replace(/^%c\s*\w+\s+color:\s*\S+\s?/, '');
    if (!TAP.test(l)) return;
    const key = l.trim();
    if (/^(ok|not ok) /.test(key) && seen.has(key)) return;
    seen.add(key);
    lines.push(l);
    console.log(`  ${l}`);
  };
  const server = start(paths.node, serverArgs(paths, port, scratch), {
    env,
    cwd: scratch.root,
    onLine: (l) => {
      serverLog.push(l);
      onTap(l);
    },
  });
  const browser = await launchBrowser(paths, scratch);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 30_000, server);
    const page = await browser.newPage();
    page.on('console', (m) => {
      for (const l of m.text().split('\n')) onTap(l);
    });
    let resolveExit;
    const exit = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (code) => {
      resolveExit(code);
    });
    await page.goto(testUrl(port, ws));
    const code = await Promise.race([
      exit,
      server.exited.then(() => 'server-exited'),
      new Promise((r) => setTimeout(() => r('timeout'), timeoutMs).unref()),
    ]);
    if (code === 'timeout' || code === 'server-exited') {
      console.log(`  # in-host suite: ${code}; the server log's tail:`);
      for (const l of serverLog.slice(-30)) console.log(`  #   ${l}`);
    }
    const passed = lines.filter((l) => /^ok /.test(l)).length;
    const failed = lines.filter((l) => /^not ok /.test(l)).length;
    return { ok: code === 0 && failed === 0, code, passed, failed, lines };
  } finally {
    await browser.close().catch(() => {});
    await stop(server);
  }
}
