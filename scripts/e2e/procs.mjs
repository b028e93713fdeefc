// Child processes of the e2e suite: each starts in its own process group, so ending the group
// ends its children too (code-server's extension host, the trainer, Chromium's helpers). killAll()
// runs on normal exit, on failure and on Ctrl-C / SIGTERM: nothing the suite started outlives it.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const live = new Set();

/**
 * Starts `cmd args` detached (a new process group). `onLine(line, stream)` sees each output
 * line; `exited` resolves with { code, signal } when it ends.
 */
export function start(cmd, args, { env, cwd, onLine } = {}) {
  const child = spawn(cmd, args, {
    env,
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  for (const [name, stream] of [
    ['stdout', child.stdout],
    ['stderr', child.stderr],
  ]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) onLine?.(l, name);
    });
  }
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      live.delete(child);
      resolve({ code: null, signal: null, error: err });
    });
  });
  return { child, exited };
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Ends one started process's group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(proc, graceMs = 3000) {
  if (!live.has(proc.child)) return;
  killGroup(proc.child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(proc.child, 'SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
  // The leader may end before its group: make sure no straggler keeps running.
  killGroup(proc.child, 'SIGKILL');
}

/** Ends every process group still alive (synchronous: safe in an 'exit' handler). */
export function killAllNow() {
  for (const child of live) {
    killGroup(child, 'SIGKILL');
  }
  live.clear();
}

let handlersInstalled = false;
/** Kills everything on exit or on a signal; a signal ends the suite with 130/143. */
export function installExitHandlers(cleanup = () => {}) {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    killAllNow();
    cleanup();
  });
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.on(sig, () => {
      console.error(`e2e: ${sig}: ending everything the suite started`);
      process.exit(code);
    });
  }
}

/** A free loopback TCP port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when `url` answers HTTP (any status), polling; rejects after `ms`. */
export async function waitForHttp(url, ms, proc) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    if (proc && !live.has(proc.child)) {
      throw new Error(`server for ${url} exited before it answered`);
    }
    try {
      await fetch(url, { redirect: 'manual' });
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer within ${ms} ms (${last?.message ?? 'no reply'})`);
}
