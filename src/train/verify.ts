// Verification before training, inside the trainer child: the static checks, then the dynamic
// correctness checks (shapes, causality, batch independence, gradients, parameter count with depth
// tuning, loss decreasing). Speed and memory against the GPT seed are the verifier's business
// (`blocksmith verify`): they judge cost, not correctness, and would double the start-up time.
// Then a causality spot check at the trainer's own batch shape, on the model it trains.
import * as tf from '@tensorflow/tfjs-core';
import type { Block } from '../gab/contract';
import { keyedRandom } from '../gab/rng';
import type { Rung } from '../ladder/rungs';
import { DYNAMIC_CHECKS } from '../verify/dynamic/checks';
import {
  disposeProbe,
  errorText,
  maxAbs,
  randomInput,
  type CheckContext,
} from '../verify/dynamic/context';
import { changeByPosition, type StackFn } from '../verify/dynamic/leaks';
import { checkStatic } from '../verify/static';
import type { CheckResult } from '../verify/types';

const SKIPPED = new Set(['dynamic/speed', 'dynamic/memory']);

export class VerifyError extends Error {
  override readonly name = 'VerifyError';
  constructor(
    message: string,
    readonly failures: readonly CheckResult[],
  ) {
    super(message);
  }
}

export interface Verified {
  readonly block: Block;
  /** The depth the ladder runs the design at (tuned by dynamic/params). */
  readonly nBlocks: number;
  /** Warnings of checks that passed with a warning. */
  readonly warnings: readonly string[];
}

const where = (file: string, r: CheckResult): string =>
  r.line !== undefined ? `${file}:${r.line}:${r.column ?? 1}` : file;

function failure(file: string, failures: readonly CheckResult[]): VerifyError {
  const lines = failures.map((r) => `  ${where(file, r)} ${r.id}: ${r.message}`);
  return new VerifyError(
    `${file} failed verification, so no training started:\n${lines.join('\n')}\n` +
      `Fix these, then check with 'blocksmith verify ${file}'.`,
    failures,
  );
}

async function dynamicChecks(ctx: CheckContext): Promise<CheckResult[]> {
  const failed = new Set<string>();
  const results: CheckResult[] = [];
  try {
    for (const check of DYNAMIC_CHECKS) {
      if (SKIPPED.has(check.id) || !check.gate(failed)) {
        failed.add(check.id);
        continue;
      }
      let out: CheckResult[];
      try {
        out = await check.run(ctx);
      } catch (err) {
        out = [
          {
            id: check.id,
            ok: false,
            severity: 'error',
            message: `could not run: ${errorText(err)}`,
          },
        ];
      }
      for (const r of out) {
        results.push(r);
        if (!r.ok && r.severity === 'error') {
          failed.add(r.id);
        }
      }
    }
  } finally {
    disposeProbe(ctx);
  }
  return results;
}

/** Verifies `source` at `rung` on the backend already started; throws VerifyError on failure. */
export async function verifyForTraining(
  fileName: string,
  source: string,
  rung: Rung,
  seed: number,
): Promise<Verified> {
  const isError = (r: CheckResult): boolean => !r.ok && r.severity === 'error';
  const statics = checkStatic(fileName, source);
  if (statics.some(isError)) {
    throw failure(fileName, statics.filter(isError));
  }
  const job = { fileName, source, rung, backend: 'wasm' as const, seed };
  const ctx: CheckContext = { job, rung, send: () => undefined, nBlocks: rung.nBlocks };
  const dynamic = await dynamicChecks(ctx);
  if (dynamic.some(isError) || !ctx.block) {
    throw failure(fileName, dynamic.filter(isError));
  }
  const warnings = [...statics, ...dynamic]
    .filter((r) => !r.ok && r.severity === 'warning')
    .map((r) => `${r.id}: ${r.message}`);
  return { block: ctx.block, nBlocks: ctx.nBlocks, warnings };
}

/** Allowed change of a past output, relative to max |Y| (as dynamic/causality): float noise. */
const RTOL = 1e-5;
/** Forwards of the spot check, each with a fresh split per row. */
const SPOT_ROUNDS = 2;

/** Row b's split in round r: the ends and the middle first, then seeded random ones in 1..L-1. */
function spotSplits(batch: number, length: number, round: number, seed: number): number[] {
  const rand = keyedRandom(seed + round, 'train-causality');
  const fixed = round === 0 ? [1, length - 1, Math.floor(length / 2)] : [];
  return Array.from({ length: batch }, (_, b) =>
    Math.max(1, Math.min(length - 1, fixed[b] ?? 1 + Math.floor(rand() * (length - 1)))),
  );
}

/** x [B, L, D] with row b's positions >= splits[b] replaced by fresh N(0, 1) values. */
function futureReplacedRows(x: tf.Tensor, splits: readonly number[], seed: number): tf.Tensor {
  return tf.tidy(() => {
    const [b, length, d] = x.shape as [number, number, number];
    const pos = tf.reshape(tf.range(0, length, 1, 'float32'), [1, length]); // [1, L]
    const cut = tf.reshape(tf.tensor1d([...splits], 'float32'), [b, 1]); // [B, 1]
    const keep = tf.reshape(tf.cast(tf.less(pos, cut), 'float32'), [b, length, 1]); // [B, L, 1]
    const fresh = randomInput([b, length, d], seed); // [B, L, D]
    return tf.add(tf.mul(x, keep), tf.mul(fresh, tf.sub(1, keep)));
  });
}

/**
 * Causality at the trainer's own batch shape [batch, context, d], on the model it trains: every
 * row gets its own split s_b and its future X[b, s_b:] replaced, all rows in one forward, and
 * Y[b, :s_b] must not move. The verifier checks other shapes; a block that recognises them (a
 * branch on the batch size or the length) still cannot train with a leak. A past that moves
 * because another row's future changed (batch mixing) fails too. Throws VerifyError.
 */
export function checkTrainingShape(
  fileName: string,
  stack: StackFn,
  shape: { readonly batch: number; readonly context: number; readonly d: number },
  seed: number,
): void {
  const { batch, context, d } = shape;
  if (context < 2) {
    return;
  }
  const x = randomInput([batch, context, d], seed + 7001); // [B, L, D]
  const y = tf.tidy(() => stack(x)); // [B, L, D]
  try {
    const tol = RTOL * maxAbs(y);
    if (!Number.isFinite(tol)) {
      return; // non-finite outputs (hyperparameters that overflow): the loop reports the divergence
    }
    for (let round = 0; round < SPOT_ROUNDS; round++) {
      const splits = spotSplits(batch, context, round, seed);
      const change = tf.tidy(() => {
        const moved = changeByPosition(
          stack(futureReplacedRows(x, splits, seed + 7100 + round)),
          y,
        );
        return moved.arraySync() as number[][]; // [B, L]
      });
      splits.forEach((s, b) => {
        const past = (change[b] ?? []).slice(0, s);
        const t = past.findIndex((v) => !(v <= tol));
        if (t >= 0) {
          throw failure(fileName, [
            {
              id: 'train/causality',
              ok: false,
              severity: 'error',
              message:
                `at the training shape (batch ${batch}, context ${context}) Y[${b}, ${t}] changed ` +
                `(by ${(past[t] ?? NaN).toPrecision(3)}, tolerance ${tol.toPrecision(3)}) when ` +
                `X[${b}, ${s}:] and other rows' futures were replaced: the block sees the future ` +
                `or mixes the batch at this shape. Do not branch on the batch size or the length; ` +
                `mix along the sequence only with causal ops.`,
            },
          ]);
        }
      });
    }
  } finally {
    x.dispose();
    y.dispose();
  }
}
