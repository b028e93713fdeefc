// Induction heads (the safari synthetics, Poli et al. 2023): random tokens of a small vocabulary,
// a trigger token somewhere followed by X, and the sequence ends with the trigger again: predict
// X. Labelled: the last position only. Token `vocab` is the trigger.
import { randInt } from './random';
import type { ProbeBatch, ProbeTask } from './types';

export interface InductionOptions {
  /** Sequence length, the final trigger included (safari: 30 random tokens around the pair). */
  readonly length?: number;
  /** Ordinary tokens 0..vocab-1 (safari: 20); the trigger is token `vocab`. */
  readonly vocab?: number;
}

export function inductionTask(opts: InductionOptions = {}): ProbeTask {
  const { length = 32, vocab = 20 } = opts;
  if (length < 4 || vocab < 2) {
    throw new RangeError(`induction: length ${length} must be >= 4 and vocab ${vocab} >= 2`);
  }
  const trigger = vocab;
  return {
    name: 'induction',
    vocab: vocab + 1,
    length,
    chance: 1 / vocab,
    describe: { length, vocab, trigger },
    fill(out: ProbeBatch, row: number, rand: () => number): void {
      const base = row * length;
      for (let t = 0; t < length - 1; t++) {
        out.ids[base + t] = randInt(rand, 0, vocab);
      }
      // the first trigger and its X come before the final trigger: p + 1 <= length - 2
      const p = randInt(rand, 0, length - 2);
      const x = out.ids[base + p + 1];
      out.ids[base + p] = trigger;
      out.ids[base + length - 1] = trigger;
      out.targets[base + length - 1] = x;
      out.mask[base + length - 1] = 1;
    },
  };
}
