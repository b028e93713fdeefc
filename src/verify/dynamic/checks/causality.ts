// dynamic/causality: Y[:, 0..t] must not change when X[:, t+1..] is replaced by fresh values,
// for a few t spread over the context (0, L/4, L/2, L-2).
import * as tf from '@tensorflow/tfjs-core';
import { fail, maxAbs, pass, probe, randomInput, type DynamicCheck } from '../context';

const ID = 'dynamic/causality';
/** Allowed change, relative to max |Y|: float noise only. */
const RTOL = 1e-5;

/** The positions t whose future is perturbed, ascending and distinct. */
export function probePositions(length: number): number[] {
  const ts = [0, Math.floor(length / 4), Math.floor(length / 2), length - 2];
  return [...new Set(ts.filter((t) => t >= 0 && t <= length - 2))].sort((a, b) => a - b);
}

interface Leak {
  readonly t: number;
  /** The first output position that changed. */
  readonly first: number;
  readonly change: number;
}

export const causality: DynamicCheck = {
  id: ID,
  gate: (failed) => !failed.has('dynamic/finite'),
  run(ctx) {
    const { model, x, y } = probe(ctx);
    const [b, length, d] = x.shape as [number, number, number];
    const tol = RTOL * maxAbs(y);
    const changes: number[] = [];
    let leak: Leak | undefined;
    for (const t of probePositions(length)) {
      // Per position s <= t: max over batch and width of |Y'[:, s] - Y[:, s]|.
      const perPos = tf.tidy(() => {
        const fresh = randomInput([b, length - t - 1, d], ctx.job.seed + 1000 + t);
        const x2 = tf.concat([tf.slice(x, [0, 0, 0], [b, t + 1, d]), fresh], 1); // [B, L, D]
        const y2 = model.stack(x2);
        const diff = tf.abs(
          tf.sub(tf.slice(y2, [0, 0, 0], [b, t + 1, d]), tf.slice(y, [0, 0, 0], [b, t + 1, d])),
        );
        return Array.from(tf.max(diff, [0, 2]).dataSync()); // [t + 1]
      });
      const change = Math.max(0, ...perPos.map((v) => (Number.isNaN(v) ? Infinity : v)));
      changes.push(change);
      if (change > tol) {
        leak = { t, first: perPos.findIndex((v) => !(v <= tol)), change };
        break;
      }
    }
    const data = { positions: probePositions(length), maxChange: changes, tolerance: tol };
    if (leak) {
      return [
        fail(
          ID,
          `Y[:, ${leak.first}] changed (by ${leak.change.toPrecision(3)}, tolerance ` +
            `${tol.toPrecision(3)}) when X[:, ${leak.t + 1}:] was replaced: position ${leak.first} ` +
            `sees the future. Mask attention above the diagonal (ops.causalAttention), mix along the ` +
            `sequence only with causal ops (shift, causalConv1d, cumsum, linearScan), and never ` +
            `reverse, shift backwards or reduce over the sequence axis.`,
          { ...data, leakAt: leak.t, firstChanged: leak.first },
        ),
      ];
    }
    return [
      pass(
        ID,
        `Y[:, 0..t] unchanged when X[:, t+1:] is replaced, t in ${data.positions.join(', ')}`,
        data,
      ),
    ];
  },
};
