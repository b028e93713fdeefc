// The parent side of the sandbox: spawns `node dist/runner.js` under Node's permission model
// with a heap limit, sends the Job on stdin, reads RunnerMessages from stdout, and keeps a
// watchdog on wall time and resident memory. It never throws for what the child does: every
// ending is described in the returned SandboxOutcome.
import { wireChild } from './child-io';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import { packageRoot, runnerPath } from '../paths';
import { parseMessage, type Job, type RunnerMessage } from './protocol';

export interface SandboxLimits {
  /** Wall-clock limit, ms; the child is killed past it. */
  readonly timeoutMs: number;
  /** Heap limit and resident-memory limit, MiB; the child is killed past it. */
  readonly memoryMb: number;
}

export interface SandboxOutcome {
  /** How the child ended. 'crash' covers any death without 'done' (and 'fatal'). */
  readonly end: 'done' | 'timeout' | 'memory' | 'crash';
  readonly messages: readonly RunnerMessage[];
  /** The check running when the child ended (from the last progress message). */
  readonly lastCheck: string | undefined;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The last few KiB of the child's stderr. */
  readonly stderrTail: string;
  readonly peakRssMb: number;
  readonly wallMs: number;
}

const STDERR_TAIL = 4096;
const RSS_POLL_MS = 100;

/** The permission-model flag this Node knows, if any (`--permission` from Node 22). */
export function permissionFlag(): string | undefined {
  const flags = process.allowedNodeEnvironmentFlags;
  if (flags.has('--permission')) {
    return '--permission';
  }
  return flags.has('--experimental-permission') ? '--experimental-permission' : undefined;
}

/** Folders the child may read: the package, and the node_modules folder tfjs resolves from. */
export function readableRoots(): string[] {
  const roots = [packageRoot()];
  try {
    const core = require.resolve('@tensorflow/tfjs-core/package.json');
    const i = core.lastIndexOf(`${sep}node_modules${sep}`);
    if (i >= 0) {
      roots.push(core.slice(0, i + `${sep}node_modules`.length));
    } else {
      roots.push(dirname(core));
    }
  } catch {
    // tfjs not resolvable here: the child will report it.
  }
  return [...new Set(roots)].filter((r) => !roots.some((o) => o !== r && r.startsWith(o + sep)));
}

/** Node flags of the child: permissions (read-only package, nothing else) and the heap limit. */
export function sandboxArgs(memoryMb: number): string[] {
  // --no-warnings: the permission model's ExperimentalWarning would crowd the stderr tail.
  // --disallow-code-generation-from-strings: every function a block can reach (an op, a tensor
  // method) has the host realm's Function as its constructor; with this flag it cannot compile code.
  const args = [
    `--max-old-space-size=${Math.max(64, Math.floor(memoryMb))}`,
    '--no-warnings',
    '--disallow-code-generation-from-strings',
  ];
  const flag = permissionFlag();
  if (flag) {
    args.push(flag);
    // `dir/*` grants everything below dir, in every Node that has the permission model.
    for (const root of readableRoots()) {
      args.push(`--allow-fs-read=${root}${sep}*`);
    }
  }
  return args;
}

/** Resident memory of a process in MiB, from /proc (Linux); undefined elsewhere. */
function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `job` in a sandboxed child; `onMessage` sees each message as it arrives. */
export function runSandbox(
  job: Job,
  limits: SandboxLimits,
  onMessage?: (msg: RunnerMessage) => void,
): Promise<SandboxOutcome> {
  const runner = runnerPath();
  const started = performance.now();
  if (!existsSync(runner)) {
    const stderrTail = `${runner} is missing: run \`npm run build\` to bundle the sandbox runner.`;
    return Promise.resolve({
      end: 'crash',
      messages: [],
      lastCheck: undefined,
      exitCode: null,
      signal: null,
      stderrTail,
      peakRssMb: 0,
      wallMs: 0,
    });
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...sandboxArgs(limits.memoryMb), runner], {
      cwd: packageRoot(),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '' },
    });
    const messages: RunnerMessage[] = [];
    let lastCheck: string | undefined;
    let killedFor: 'timeout' | 'memory' | undefined;
    let peakRssMb = 0;

    const kill = (why: 'timeout' | 'memory'): void => {
      killedFor ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      kill('timeout');
    }, limits.timeoutMs);
    const poll = setInterval(() => {
      const rss = child.pid === undefined ? undefined : rssMb(child.pid);
      if (rss !== undefined) {
        peakRssMb = Math.max(peakRssMb, rss);
        if (rss > limits.memoryMb) {
          kill('memory');
        }
      }
    }, RSS_POLL_MS);

    const take = (line: string): void => {
      const msg = parseMessage(line);
      if (!msg) {
        return;
      }
      messages.push(msg);
      if (msg.type === 'progress') {
        lastCheck = msg.check;
      }
      onMessage?.(msg);
    };
    const io = wireChild(child, job, take, STDERR_TAIL);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      const done = messages.some((m) => m.type === 'done');
      resolve({
        end: killedFor ?? (done ? 'done' : 'crash'),
        messages,
        lastCheck,
        exitCode,
        signal,
        stderrTail: io.stderrTail(),
        peakRssMb,
        wallMs: performance.now() - started,
      });
    });
  });
}
