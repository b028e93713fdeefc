// Parameter initialisers: turn an `Init` spec into values, deterministically from a seed and path.
import type { Init } from './contract';
import { keyedRandom, normalStream } from './rng';
import { GabError } from './errors';

/** Values for a parameter of `shape` (row-major), from `init`, seeded by (seed, path). */
export function initValues(
  init: Init,
  shape: readonly number[],
  seed: number,
  path: string,
): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const rand = keyedRandom(seed, path);
  const fill = (f: (i: number) => number): Float32Array => {
    for (let i = 0; i < size; i++) {
      out[i] = f(i);
    }
    return out;
  };
  if (init === 'zeros') {
    return out;
  }
  if (init === 'ones') {
    return out.fill(1);
  }
  if (init === 'normal' || init === 'xavier') {
    const std = init === 'normal' ? 0.02 : 1 / Math.sqrt(shape[0] ?? 1);
    const n = normalStream(rand);
    return fill(() => std * n());
  }
  if ('normal' in init) {
    const n = normalStream(rand);
    return fill(() => init.normal * n());
  }
  if ('uniform' in init) {
    const [lo, hi] = init.uniform;
    return fill(() => lo + (hi - lo) * rand());
  }
  if ('constant' in init) {
    return out.fill(init.constant);
  }
  if ('linspace' in init) {
    const [a, b] = init.linspace;
    const last = shape[shape.length - 1] ?? 1;
    return fill((i) => (last === 1 ? a : a + ((b - a) * (i % last)) / (last - 1)));
  }
  throw new GabError(`parameter ${path}: unknown init ${JSON.stringify(init)}`);
}
