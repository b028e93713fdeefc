// `blocksmith train <block.ts>`: trains a block at a rung in the sandboxed trainer child, streaming
// progress (a bar on a terminal, one JSON object a line with --json). Ctrl-C stops with a
// checkpoint; training again resumes. Exit: 0 completed or stopped, 1 invalid design or diverged,
// 2 usage, data or internal error.
import { resolve } from 'node:path';
import { BACKEND_CHOICES, isBackendChoice } from '../../backend';
import { resolveRung, RungError, SMALLEST_RUNG } from '../../ladder/rungs';
import type { TrainJob, TrainerMessage } from '../../train/protocol';
import { gptSpeedFor } from '../../ladder/speed';
import { codeHash } from '../../train/report';
import { badWorkers } from '../../train/workers';
import { designIdOf, runDirOf, spawnTrainer, workspaceOf } from '../../train/spawn';
import type { Command, Io, Parsed } from '../io';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, flag, str } from '../io';
import { readBlockFile } from './files';
import { readFileSync } from 'node:fs';

function positiveInt(p: Parsed, name: string): number | undefined {
  const v = str(p, name);
  if (v === undefined) {
    return undefined;
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    throw new UsageError(`train: --${name} must be a positive integer, got '${v}'`);
  }
  return n;
}

/** --workers N, checked (undefined: the trainer's default). */
export function workersArg(p: Parsed, command: string): number | undefined {
  const v = str(p, 'workers');
  if (v === undefined) {
    return undefined;
  }
  const bad = badWorkers(Number(v));
  if (bad !== undefined) {
    throw new UsageError(`${command}: --${bad.replace('workers', 'workers N')}`);
  }
  return Number(v);
}

function rungName(p: Parsed): string {
  try {
    return resolveRung(str(p, 'rung') ?? SMALLEST_RUNG.name).name;
  } catch (e) {
    if (e instanceof RungError) {
      throw new UsageError(`train: ${e.message}`, "'blocksmith rungs' lists the ladder");
    }
    throw e;
  }
}

/** The job the command line asks for; every usage error is raised here, before anything runs. */
export function jobFromArgs(p: Parsed, io: Io): TrainJob {
  if (p.positionals.length !== 1) {
    throw new UsageError(
      'train: give one block file',
      'usage: blocksmith train <block.ts> --rung R',
    );
  }
  const file = readBlockFile(io.cwd, p.positionals[0] ?? '');
  const rung = rungName(p);
  const backend = str(p, 'backend') ?? io.env['BLOCKSMITH_BACKEND'] ?? 'auto';
  if (!isBackendChoice(backend)) {
    throw new UsageError(
      `train: unknown backend '${backend}'`,
      `choose one of ${BACKEND_CHOICES.join(', ')}`,
    );
  }
  const seed = Number(str(p, 'seed') ?? '0');
  if (!Number.isInteger(seed) || seed < 0) {
    throw new UsageError(`train: --seed must be an integer >= 0`);
  }
  const data = p.values['data'];
  const dataPaths = (Array.isArray(data) ? (data as string[]) : []).map((d) => resolve(io.cwd, d));
  const steps = positiveInt(p, 'steps');
  const batch = positiveInt(p, 'batch');
  const workers = workersArg(p, 'train');
  const source = readFileSync(file.path, 'utf8');
  // what is known of the GPT seed's speed here: the report flags a design far slower than it
  const gptSpeed = gptSpeedFor(workspaceOf(file.path), resolveRung(rung), codeHash(source));
  return {
    blockPath: file.path,
    source,
    design: designIdOf(file.path),
    rung,
    backend,
    seed,
    runDir: runDirOf(file.path, rung),
    dataPaths,
    probes: flag(p, 'probes'),
    ...(steps !== undefined ? { steps } : {}),
    ...(batch !== undefined ? { train: { batch } } : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...(gptSpeed ? { gptSpeed } : {}),
  };
}

const duration = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
};

/** Human-readable lines for each message: a bar rewritten in place on a terminal. */
function humanView(io: Io): (m: TrainerMessage) => void {
  let barShown = false;
  let lastLine = 0;
  const line = (text: string): void => {
    io.err(`${barShown ? '\r\x1b[K' : ''}${text}\n`);
    barShown = false;
  };
  return (m) => {
    switch (m.type) {
      case 'hello':
        line(
          `training on ${m.backend} (${m.device}, ${m.workers} worker${m.workers === 1 ? '' : 's'}), ` +
            `${m.totalSteps} steps` +
            (m.resumedFrom > 0 ? `, resumed from step ${m.resumedFrom}` : ''),
        );
        (m.warnings ?? []).forEach((w) => {
          line(`warning: ${w}`);
        });
        return;
      case 'progress': {
        const width = 24;
        const fill = Math.round((m.step / m.totalSteps) * width);
        const text =
          `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${m.step}/${m.totalSteps} ` +
          `loss ${m.loss.toFixed(3)}  ${Math.round(m.tokensPerSec)} tok/s  ETA ${duration(m.etaMs)}`;
        if (io.stderrTTY) {
          io.err(`\r\x1b[K${text}`);
          barShown = true;
        } else if (m.elapsedMs - lastLine > 10_000 || m.step === m.totalSteps) {
          lastLine = m.elapsedMs;
          line(text);
        }
        return;
      }
      case 'eval':
        line(
          `step ${m.step}: validation loss ${m.valLoss.toFixed(4)}` +
            (m.bitsPerByte !== undefined ? ` (${m.bitsPerByte.toFixed(3)} bits/byte)` : ''),
        );
        return;
      case 'probe':
        line(`probe ${m.name}: accuracy ${(m.accuracy * 100).toFixed(1)}%`);
        return;
      case 'checkpoint':
        return;
      case 'error':
        line(`blocksmith train: ${m.kind} error: ${m.message}`);
        return;
      case 'done':
        line(`${m.status} at step ${m.step}; report: ${m.report}`);
        io.out(`${JSON.stringify(m.summary, null, 2)}\n`);
        return;
    }
  };
}

/** The exit code of a finished run. */
function exitCode(status: string | undefined, errorKind: string | undefined): number {
  if (status === 'completed' || status === 'stopped') {
    return EXIT_OK;
  }
  return status === 'diverged' || errorKind === 'verify' ? EXIT_INVALID : EXIT_USAGE;
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a block at a rung in the sandboxed trainer (resumes from its last checkpoint)',
  help: `Usage: blocksmith train <block.ts> [--rung R] [--steps N] [--backend B] [--data FILE...] [--json]

Verifies the block, then trains it at the rung in a sandboxed child process. The run lives in
<workspace>/.blocksmith/runs/<design>/<rung>/ (metrics.jsonl, checkpoints/, report.json), the
workspace being the nearest folder above the block holding designs/ or .blocksmith/. Ctrl-C
stops with a checkpoint; training again resumes from it.

Exit code: 0 completed or stopped, 1 invalid design or diverged, 2 usage, data or internal error.

Options:
  --rung R          rung to train at (default ${SMALLEST_RUNG.name}; 'blocksmith rungs' lists them)
  --steps N         stop after N optimiser steps (default: the rung's token budget)
  --backend B       ${BACKEND_CHOICES.join(', ')} (default auto, or $BLOCKSMITH_BACKEND)
  --data FILE       a .txt or .jsonl corpus file (repeatable; default: the shipped corpus)
  --seed N          seed of initialisation and data order (default 0)
  --batch N         sequences a step (default: 1024 tokens a step on laptop rungs)
  --workers N       data-parallel worker threads, each taking a share of the batch (default 2
                    on two cores or more with wasm or cpu, else 1)
  --probes          train and score the probes (MQAR, induction, selective copying) after
  --json            one JSON object a line: every trainer message (progress has step, loss,
                    tokensPerSec)
  -h, --help        show this help`,
  options: {
    rung: { type: 'string' },
    steps: { type: 'string' },
    backend: { type: 'string' },
    data: { type: 'string', multiple: true },
    seed: { type: 'string' },
    batch: { type: 'string' },
    workers: { type: 'string' },
    probes: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(p, io) {
    const job = jobFromArgs(p, io);
    const view = flag(p, 'json')
      ? (m: TrainerMessage) => {
          io.out(`${JSON.stringify(m)}\n`);
        }
      : humanView(io);
    const handle = spawnTrainer(job, view);
    // Ctrl-C reaches the child too (same process group); forward SIGTERM for kill <pid> of the CLI
    const onSignal = (): void => {
      handle.stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const out = await handle.outcome;
      if (!out.done && !out.error) {
        io.err(
          `blocksmith train: the trainer ended without a result (exit ${String(out.exitCode)}, ` +
            `signal ${String(out.signal)}): ${out.stderrTail.trim() || 'no output'}\n` +
            `hint: train again to resume from the last checkpoint in ${job.runDir}\n`,
        );
        return EXIT_USAGE;
      }
      return exitCode(out.done?.status, out.error?.kind);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
