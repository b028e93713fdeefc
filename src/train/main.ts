// The trainer child's entry (bundled to dist/trainer.js): reads one TrainJob from stdin, trains,
// and writes TrainerMessages as JSON lines on stdout, each also appended to <runDir>/metrics.jsonl.
// SIGTERM (or SIGINT) asks for a stop: the loop writes a checkpoint after the current step and
// the run ends with status 'stopped'. Runs under Node's permission model (see spawn.ts).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../data/errors';
import { CheckpointError } from './checkpoint';
import { ConfigError } from './config';
import {
  formatTrainerMessage,
  type ErrorKind,
  type TrainJob,
  type TrainerMessage,
} from './protocol';
import { runTraining } from './run';
import { installHostReadGuard } from '../sandbox/guard';
import { VerifyError } from './verify';

let stop = false;
let metricsFile: string | undefined;

function send(m: TrainerMessage): void {
  const line = formatTrainerMessage(m);
  process.stdout.write(line);
  if (metricsFile !== undefined) {
    try {
      appendFileSync(metricsFile, JSON.stringify({ ...m, time: new Date().toISOString() }) + '\n');
    } catch {
      // a full disk must not kill the run: stdout still carries every message
    }
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJob(text: string): TrainJob {
  let job: Partial<TrainJob>;
  try {
    job = JSON.parse(text) as Partial<TrainJob>;
  } catch (err) {
    throw new ConfigError(`the job on stdin is not JSON: ${String(err)}`);
  }
  for (const key of ['blockPath', 'source', 'rung', 'backend', 'runDir'] as const) {
    if (typeof job[key] !== 'string') {
      throw new ConfigError(`the job on stdin lacks '${key}' (a string)`);
    }
  }
  if (!Array.isArray(job.dataPaths)) {
    throw new ConfigError(
      "the job on stdin lacks 'dataPaths' (an array; empty: the default corpus)",
    );
  }
  return job as TrainJob;
}

function kindOf(err: unknown): ErrorKind {
  if (err instanceof ConfigError) {
    return 'config';
  }
  if (err instanceof DataError) {
    return 'data';
  }
  if (err instanceof VerifyError) {
    return 'verify';
  }
  return err instanceof CheckpointError ? 'checkpoint' : 'internal';
}

function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

async function main(): Promise<void> {
  // Block code trains here: tensor reads inside its forward throw, as in the verifier's sandbox.
  installHostReadGuard();
  process.on('SIGTERM', () => {
    stop = true;
  });
  process.on('SIGINT', () => {
    stop = true;
  });
  const job = parseJob(await readStdin());
  if (job.runDir.startsWith('/')) {
    metricsFile = join(job.runDir, 'metrics.jsonl');
  }
  const done = await runTraining(job, { send, stopRequested: () => stop });
  send(done);
  exit(0);
}

main().catch((err: unknown) => {
  const kind = kindOf(err);
  const text = err instanceof Error ? err.message : String(err);
  const stack = err instanceof Error && kind === 'internal' ? `\n${err.stack ?? ''}` : '';
  try {
    send({ type: 'error', kind, message: text + stack });
  } catch {
    process.stderr.write(`${text}\n`);
  }
  exit(1);
});
