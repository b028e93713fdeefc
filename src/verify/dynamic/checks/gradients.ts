// dynamic/gradients: every declared parameter receives a nonzero, finite gradient of a random
// projection of Y. Measured at a randomly perturbed point, so zero-initialised weights (an output
// projection starting at zero, say) do not hide the gradient of the parameters before them.
import * as tf from '@tensorflow/tfjs-core';
import { fail, makeModel, pass, randomInput, type DynamicCheck } from '../context';

const ID = 'dynamic/gradients';
/** Std of the noise added to every parameter before taking gradients. */
const JITTER = 0.02;
/** How many offending paths a message names. */
const NAMED = 6;

// A type alias, not an interface: tf.tidy may return it (it needs an index-signature shape).
type GradReport = {
  readonly missing: string[];
  readonly zero: string[];
  readonly nonFinite: string[];
  readonly count: number;
  /** max |dLoss/dX|: zero when Y does not depend on X at all. */
  readonly inputGrad: number;
};

function list(paths: readonly string[]): string {
  const head = paths.slice(0, NAMED).join(', ');
  return paths.length > NAMED ? `${head} and ${paths.length - NAMED} more` : head;
}

/** Gradients by variable name; {} when no variable is connected to f at all (tf throws then). */
function gradsOf(f: () => tf.Scalar, vars: tf.Variable[]): tf.NamedTensorMap {
  try {
    return tf.variableGrads(f, vars).grads;
  } catch (err) {
    if (err instanceof Error && /connection between any variable/i.test(err.message)) {
      return {};
    }
    throw err;
  }
}

export const gradients: DynamicCheck = {
  id: ID,
  gate: (failed) => !failed.has('dynamic/finite'),
  run(ctx) {
    const model = makeModel(ctx, ctx.rung.nBlocks, 7);
    try {
      const shape = [2, ctx.rung.context, ctx.rung.d];
      const rep = tf.tidy((): GradReport => {
        const x = randomInput(shape, ctx.job.seed + 3000);
        const r = randomInput(shape, ctx.job.seed + 3001);
        model.stack(x); // declares the parameters
        const vars = model.variables();
        vars.forEach((v, i) => {
          v.assign(tf.add(v, tf.mul(randomInput(v.shape, ctx.job.seed + 4000 + i), JITTER)));
        });
        // X as a variable too: its gradient shows whether Y depends on X at all.
        const xv = tf.variable(x, true, `${vars[0]?.name ?? 'probe'}/__input`);
        const grads = gradsOf(() => tf.sum<tf.Scalar>(tf.mul(model.stack(xv), r)), [...vars, xv]);
        const gx = grads[xv.name] as tf.Tensor | undefined;
        const inputGrad = gx ? tf.max(tf.abs(gx)).dataSync()[0] : 0;
        xv.dispose();
        const out: GradReport = {
          missing: [],
          zero: [],
          nonFinite: [],
          count: vars.length,
          inputGrad,
        };
        for (const [path, v] of model.store.vars) {
          const g = grads[v.name] as tf.Tensor | undefined;
          if (!g) {
            out.missing.push(path);
            continue;
          }
          const [absMax, finite] = tf
            .stack([tf.max(tf.abs(g)), tf.cast(tf.all(tf.isFinite(g)), 'float32')])
            .dataSync();
          if (finite !== 1) {
            out.nonFinite.push(path);
          } else if (!(absMax > 0)) {
            out.zero.push(path);
          }
        }
        return out;
      });
      const data = { parameters: rep.count, ...rep };
      const problems: string[] = [];
      if (rep.missing.length > 0) {
        problems.push(
          `no gradient reaches ${list(rep.missing)} (declared but not used on the path to Y)`,
        );
      }
      if (rep.zero.length > 0) {
        problems.push(`the gradient of ${list(rep.zero)} is exactly zero`);
      }
      if (rep.nonFinite.length > 0) {
        problems.push(`the gradient of ${list(rep.nonFinite)} is not finite`);
      }
      if (rep.inputGrad === 0) {
        problems.unshift(
          'Y does not depend on X at all (its gradient with respect to X is zero): the block ' +
            'ignores its input, so the model cannot read the text. Compute Y from X (keep a ' +
            'residual connection, ops.add(x, ...))',
        );
      }
      if (problems.length > 0) {
        return [
          fail(
            ID,
            `${problems.join('; ')}. Use every declared parameter in the computation of Y, or remove ` +
              `it; avoid ops whose gradient vanishes (clamp outside its range) or explodes.`,
            data,
          ),
        ];
      }
      return [pass(ID, `all ${rep.count} parameters get a nonzero, finite gradient`, data)];
    } finally {
      model.dispose();
    }
  },
};
