// The sandboxed child's entry (bundled to dist/runner.js): reads one Job from stdin, starts the
// tfjs backend, runs the dynamic checks and writes RunnerMessages as JSON lines on stdout. It
// runs under Node's permission model (read-only access to the package, no child processes, no
// workers) with a heap limit, and the parent's watchdog kills it past its time or memory limit.
import { initBackend } from '../backend';
import { runChecks } from '../verify/dynamic/run';
import { installHostReadGuard } from './guard';
import { formatMessage, type Job, type RunnerMessage } from './protocol';

function send(msg: RunnerMessage): void {
  process.stdout.write(formatMessage(msg));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJob(text: string): Job {
  const job = JSON.parse(text) as Partial<Job>;
  if (typeof job.source !== 'string' || typeof job.fileName !== 'string' || !job.rung) {
    throw new Error('the job on stdin lacks fileName, source or rung');
  }
  return job as Job;
}

async function main(): Promise<void> {
  const job = parseJob(await readStdin());
  await initBackend(job.backend);
  installHostReadGuard();
  await runChecks(job, send);
  // Exit once 'done' is flushed: nothing the block left behind may keep the child alive.
  process.stdout.write(formatMessage({ type: 'done' }), () => process.exit(0));
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stdout.write(formatMessage({ type: 'fatal', message }), () => process.exit(1));
});
