// Shared by the trainer tests: a job for a seed at the smallest rung in a fresh temp run folder,
// and running the real trainer child (dist/trainer.js, under the permission model) to its end.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedsDir } from '../../src/paths';
import type { TrainJob, TrainerMessage } from '../../src/train/protocol';
import { spawnTrainer, type TrainerHandle, type TrainOutcome } from '../../src/train/spawn';

export function seedJob(seed: string, over: Partial<TrainJob> = {}): TrainJob {
  const blockPath = join(seedsDir(), seed, 'block.ts');
  return {
    blockPath,
    source: readFileSync(blockPath, 'utf8'),
    design: seed,
    rung: '50k',
    backend: 'wasm',
    seed: 1,
    runDir: mkdtempSync(join(tmpdir(), `bs-train-${seed}-`)),
    dataPaths: [],
    ...over,
  };
}

export interface Ran {
  readonly messages: TrainerMessage[];
  readonly outcome: TrainOutcome;
}

/** Runs `job`; `watch` sees each message with the handle (to stop or kill the child). */
export async function runTrainer(
  job: TrainJob,
  watch: (m: TrainerMessage, h: TrainerHandle) => void = () => undefined,
): Promise<Ran> {
  const messages: TrainerMessage[] = [];
  // messages arrive from stdout events, always after spawnTrainer has returned `h`
  const h: TrainerHandle = spawnTrainer(job, (m) => {
    messages.push(m);
    watch(m, h);
  });
  return { messages, outcome: await h.outcome };
}

export function ofType<T extends TrainerMessage['type']>(
  ran: Ran,
  type: T,
): Extract<TrainerMessage, { type: T }>[] {
  return ran.messages.filter((m): m is Extract<TrainerMessage, { type: T }> => m.type === type);
}
