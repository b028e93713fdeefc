// The parent side of training: where a run lives, and spawning `node dist/trainer.js` under Node's
// permission model (read the package, the data files and the run folder; write only the run
// folder; no child processes; worker threads only for a data-parallel job), sending the TrainJob, streaming TrainerMessages.
import { wireChild } from '../sandbox/child-io';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { packageRoot } from '../paths';
import { permissionFlag, readableRoots } from '../sandbox/spawn';
import { parseTrainerMessage, type Done, type TrainJob, type TrainerMessage } from './protocol';
import { workersFor } from './workers';

/** The bundled trainer (built by `npm run build`). */
export function trainerPath(): string {
  return join(packageRoot(), 'dist', 'trainer.js');
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/** The nearest folder at or above the block's holding designs/ or .blocksmith/, else the block's. */
export function workspaceOf(blockPath: string): string {
  const start = dirname(resolve(blockPath));
  for (let dir = start; ; dir = dirname(dir)) {
    if (isDir(join(dir, 'designs')) || isDir(join(dir, '.blocksmith'))) {
      return dir;
    }
    if (dirname(dir) === dir) {
      return start;
    }
  }
}

/** The design's id: its folder for designs/<id>/block.ts (or any other folder/block.ts), else the file name. */
export function designIdOf(blockPath: string): string {
  const file = basename(blockPath);
  const id =
    file === 'block.ts' ? basename(dirname(resolve(blockPath))) : file.replace(/\.ts$/, '');
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** <workspace>/.blocksmith/runs/<design>/<rung>/ */
export function runDirOf(blockPath: string, rung: string): string {
  return join(workspaceOf(blockPath), '.blocksmith', 'runs', designIdOf(blockPath), rung);
}

/** Node flags of the trainer child: permissions and the heap limit. */
export function trainerArgs(job: TrainJob, memoryMb: number): string[] {
  // As in the verifier's sandbox: no function a block reaches can compile code from a string.
  const args = [
    `--max-old-space-size=${Math.max(256, Math.floor(memoryMb))}`,
    '--no-warnings',
    '--disallow-code-generation-from-strings',
  ];
  const flag = permissionFlag();
  if (flag === undefined) {
    return args;
  }
  args.push(flag);
  const runDir = resolve(job.runDir);
  for (const root of [...readableRoots(), runDir]) {
    args.push(`--allow-fs-read=${root}${sep}*`);
  }
  for (const p of job.dataPaths) {
    const abs = resolve(p);
    args.push(`--allow-fs-read=${isDir(abs) ? `${abs}${sep}*` : abs}`);
  }
  // `dir/*` grants the folder and all below it (adding plain `dir` as well aborts Node 20)
  args.push(`--allow-fs-write=${runDir}${sep}*`);
  // data-parallel workers inherit these flags (execArgv) and so the same permissions; the worker
  // checks that it did before it loads a block (src/train/parallel/protections.ts)
  if (workersFor(job.workers, job.backend) > 1) {
    args.push('--allow-worker');
  }
  // libtensorflow is a native addon: allow addons only when the job may load one
  if (
    job.backend !== 'wasm' &&
    job.backend !== 'cpu' &&
    process.allowedNodeEnvironmentFlags.has('--allow-addons')
  ) {
    args.push('--allow-addons');
  }
  return args;
}

export interface TrainOutcome {
  /** The done message, when the child sent one. */
  readonly done: Done | undefined;
  /** The error message, when the child failed before or during training. */
  readonly error: Extract<TrainerMessage, { type: 'error' }> | undefined;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderrTail: string;
}

export interface TrainerHandle {
  readonly child: ChildProcessWithoutNullStreams;
  /** Asks for a stop: SIGTERM; the child checkpoints and ends with status 'stopped'. */
  stop(): void;
  /** Ends the child now (SIGKILL): at most the steps since the last checkpoint are lost. */
  kill(): void;
  readonly outcome: Promise<TrainOutcome>;
}

const STDERR_TAIL = 8192;

/** Spawns the trainer for `job` (its runDir is created); `onMessage` sees each message. */
export function spawnTrainer(
  job: TrainJob,
  onMessage: (m: TrainerMessage) => void = () => undefined,
  opts: { memoryMb?: number; trainer?: string } = {},
): TrainerHandle {
  const trainer = opts.trainer ?? trainerPath();
  if (!existsSync(trainer)) {
    throw new Error(`${trainer} is missing: run \`npm run build\` to bundle the trainer.`);
  }
  mkdirSync(job.runDir, { recursive: true });
  const child = spawn(process.execPath, [...trainerArgs(job, opts.memoryMb ?? 4096), trainer], {
    cwd: packageRoot(),
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '' },
  });
  let done: Done | undefined;
  let error: TrainOutcome['error'];
  const take = (line: string): void => {
    const m = parseTrainerMessage(line);
    if (m) {
      if (m.type === 'done') {
        done = m;
      } else if (m.type === 'error') {
        error = m;
      }
      onMessage(m);
    }
  };
  const io = wireChild(child, job, take, STDERR_TAIL);
  const outcome = new Promise<TrainOutcome>((res) => {
    child.on('close', (exitCode, signal) => {
      res({ done, error, exitCode, signal, stderrTail: io.stderrTail() });
    });
  });
  return {
    child,
    stop: () => {
      child.kill('SIGTERM');
    },
    kill: () => {
      child.kill('SIGKILL');
    },
    outcome,
  };
}
