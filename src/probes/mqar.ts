// MQAR, multi-query associative recall (Zoology, Arora et al. 2023): key-value pairs first (keys
// from the lower half of the vocabulary, values from the upper half), then each key reappears
// once, at a power-law distributed gap, followed by its value. Labelled: the value after each
// repeated key, nothing else. Token 0 is the blank that fills the rest.
import { sampleDistinct, sampleWeighted } from './random';
import type { ProbeBatch, ProbeTask } from './types';

export interface MqarOptions {
  /** Sequence length (Zoology's smallest: 64). */
  readonly length?: number;
  /** Key-value pairs (Zoology's smallest: 4). */
  readonly pairs?: number;
  /** Vocabulary, blank included: keys 1..vocab/2-1, values vocab/2..vocab-1. */
  readonly vocab?: number;
  /** Power-law exponent of the query gaps (Zoology: 0.01, most queries come soon). */
  readonly powerA?: number;
}

export function mqarTask(opts: MqarOptions = {}): ProbeTask {
  const { length = 64, pairs = 4, vocab = 64, powerA = 0.01 } = opts;
  const half = Math.floor(vocab / 2);
  // each query takes two positions (key, value) after the 2 * pairs of the pair section
  const slots = Math.floor((length - 2 * pairs) / 2);
  if (pairs < 1 || pairs > half - 1 || slots < pairs) {
    throw new RangeError(
      `mqar: ${pairs} pairs need at least ${pairs + 1} keys (vocab ${vocab}) and ` +
        `length >= ${4 * pairs} (got ${length})`,
    );
  }
  // Zoology's gap law: p(gap) proportional to a * gap^(a - 1)
  const gapWeights = Array.from({ length: slots }, (_, j) => (j + 1) ** (powerA - 1));
  return {
    name: 'mqar',
    vocab,
    length,
    chance: 1 / (vocab - half),
    describe: { length, pairs, vocab, powerA },
    // blanks (0) fill the rest: rows start zeroed
    fill(out: ProbeBatch, row: number, rand: () => number): void {
      const base = row * length;
      const keys = sampleDistinct(rand, pairs, 1, half);
      const values = sampleDistinct(rand, pairs, half, vocab);
      for (let i = 0; i < pairs; i++) {
        out.ids[base + 2 * i] = keys[i]!;
        out.ids[base + 2 * i + 1] = values[i]!;
      }
      const chosen = sampleWeighted(rand, pairs, gapWeights);
      const order = sampleDistinct(rand, pairs, 0, pairs); // which pair each query asks
      chosen.forEach((slot, q) => {
        const pos = base + 2 * pairs + 2 * slot;
        const pair = order[q];
        out.ids[pos] = keys[pair]!;
        out.ids[pos + 1] = values[pair]!;
        out.targets[pos] = values[pair]!;
        out.mask[pos] = 1;
      });
    },
  };
}
