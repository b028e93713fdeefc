// Selective copying (MAD, Poli et al. 2024; Mamba's formulation): `copies` tokens scattered among
// blanks in a region, then a copy token, after which the model emits them in order (teacher
// forced: each emitted token is the next input). Labelled: the `copies` emitted positions.
// Token 0 is the blank, 1..tokens the content, tokens + 1 the copy token.
import { randInt, sampleDistinct } from './random';
import type { ProbeBatch, ProbeTask } from './types';

export interface SelectiveCopyOptions {
  /** Length of the region holding the scattered tokens (MAD: 256 in all). */
  readonly region?: number;
  /** Tokens to copy (MAD: 16). */
  readonly copies?: number;
  /** Content tokens (MAD: vocabulary 16). */
  readonly tokens?: number;
}

export function selectiveCopyTask(opts: SelectiveCopyOptions = {}): ProbeTask {
  const { region = 32, copies = 8, tokens = 16 } = opts;
  if (copies < 1 || copies > region || tokens < 2) {
    throw new RangeError(
      `selective-copy: ${copies} copies must fit the region of ${region}; tokens ${tokens} >= 2`,
    );
  }
  const copy = tokens + 1;
  const length = region + copies;
  return {
    name: 'selective-copy',
    vocab: tokens + 2,
    length,
    chance: 1 / tokens,
    describe: { region, copies, tokens, length },
    fill(out: ProbeBatch, row: number, rand: () => number): void {
      const base = row * length;
      const where = sampleDistinct(rand, copies, 0, region).sort((a, b) => a - b);
      const content = where.map(() => randInt(rand, 1, tokens + 1));
      where.forEach((pos, i) => {
        out.ids[base + pos] = content[i]!;
      });
      out.ids[base + region] = copy;
      content.forEach((tok, i) => {
        // position region + i predicts token i; its input is the copy token or token i - 1
        out.targets[base + region + i] = tok;
        out.mask[base + region + i] = 1;
        if (i + 1 < copies) {
          out.ids[base + region + i + 1] = tok;
        }
      });
    },
  };
}
