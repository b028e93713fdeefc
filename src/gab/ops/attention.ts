// Causal attention on wasm, forward and backward, as one fused kernel each
// (kernels/attention.c): the scores, softmax and both products per group in registers and
// scratch, the masked half (key j > query i) skipped. The forward saves the probabilities P,
// padded to [G, Lp, Lp] (Lp = L rounded up to 8, zeros outside the causal triangle), for the
// backward: cheaper than saving the row log-sum-exp and recomputing the scores and their exp
// there (at G 20, L 128, D 16 the exp alone is ~0.15 ms of the forward's 0.5; P is 1.3 MB).
// Index names: g = batch * head, i = query, j = key, d = key channel, e = value channel.
import * as tf from '@tensorflow/tfjs-core';
import { addressOf, moduleOn, output, withScratch } from './kernels';

const FORWARD = 'BlocksmithAttention';
const BACKWARD = 'BlocksmithAttentionGrad';
const MODULE = 'attention';

const up8 = (n: number): number => Math.ceil(n / 8) * 8;

type Infos = Record<string, tf.TensorInfo>;

/** The inputs, checked to be float32: the kernels read raw float32 data. */
function floats(inputs: unknown): Infos {
  const infos = inputs as Infos;
  for (const [name, t] of Object.entries(infos)) {
    if (t.dtype !== 'float32') {
      throw new Error(`groupedAttention: ${name} is ${t.dtype}; cast it to float32 first`);
    }
  }
  return infos;
}

/** y [G, L, Dv] and P [G, Lp, Lp] of q, k [G, L, Dk], v [G, L, Dv]. */
function forwardKernel({ inputs, attrs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { q, k, v } = floats(inputs);
  const [g, l, dk] = q.shape as [number, number, number];
  const dv = v.shape[2];
  const scale = (attrs as { scale: number }).scale;
  const lp = up8(l);
  const y = output(backend, [g, l, dv]);
  const p = output(backend, [g, lp, lp]);
  // scratch layout in attention.c: q [Lp, Dk], k^T [Dk, Lp], v and y [Lp, up8(Dv)]
  const bytes = 4 * (2 * lp * dk + 2 * lp * up8(dv));
  const at = (t: tf.TensorInfo): number => addressOf(backend, t);
  withScratch(backend, bytes, (s) => {
    moduleOn(backend, MODULE).attn_forward(at(q), at(k), at(v), y.at, p.at, g, l, dk, dv, scale, s);
  });
  return [y.info, p.info];
}

/** dq, dk [G, L, Dk] and dv [G, L, Dv] from q, k, v, P and dy. */
function backwardKernel({ inputs, attrs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { q, k, v, p, dy } = floats(inputs);
  const [g, l, dk] = q.shape as [number, number, number];
  const dv = v.shape[2];
  const scale = (attrs as { scale: number }).scale;
  const lp = up8(l);
  const dq = output(backend, [g, l, dk]);
  const dkOut = output(backend, [g, l, dk]);
  const dvOut = output(backend, [g, l, dv]);
  // scratch layout in attention.c: 4 x [Lp, up8(Dk)], v^T [Dv, Lp], 2 x [Lp, up8(Dv)], dS [Lp, Lp]
  const bytes = 4 * (4 * lp * up8(dk) + lp * dv + 2 * lp * up8(dv) + lp * lp);
  const at = (t: tf.TensorInfo): number => addressOf(backend, t);
  withScratch(backend, bytes, (s) => {
    moduleOn(backend, MODULE).attn_backward(
      at(q),
      at(k),
      at(v),
      at(p),
      at(dy),
      dq.at,
      dkOut.at,
      dvOut.at,
      g,
      l,
      dk,
      dv,
      scale,
      s,
    );
  });
  return [dq.info, dkOut.info, dvOut.info];
}

let registered = false;

/** Registers both kernels for the wasm backend, once per process. */
function register(): void {
  if (registered) {
    return;
  }
  registered = true;
  tf.registerKernel({ kernelName: FORWARD, backendName: 'wasm', kernelFunc: forwardKernel });
  tf.registerKernel({ kernelName: BACKWARD, backendName: 'wasm', kernelFunc: backwardKernel });
}

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Fwd3 = (
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: Grad };

/** One scale's attention with its exact gradient, both on the fused kernels. */
function attention(scale: number): (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor {
  const f: Fwd3 = (q, k, v, save) => {
    const [y, p] = tf.engine().runKernel<tf.Tensor[]>(FORWARD, { q, k, v }, { scale });
    save([q, k, v, p]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [sq, sk, sv, sp] = saved;
        const inputs = { q: sq, k: sk, v: sv, p: sp, dy };
        return tf.engine().runKernel<tf.Tensor[]>(BACKWARD, inputs, { scale });
      },
    };
  };
  const g = tf.customGrad(f as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]);
  return (q, k, v) => g(q, k, v);
}

const byScale = new Map<number, (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor>();

/**
 * softmax(q k^T * scale + causal mask) v for q, k [G, L, Dk], v [G, L, Dv]; to [G, L, Dv].
 * Wasm backend only (the kernels run in its heap); masked weights are exactly 0.
 */
export function groupedAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  scale: number,
): tf.Tensor {
  register();
  let f = byScale.get(scale);
  if (!f) {
    f = attention(scale);
    byScale.set(scale, f);
  }
  return f(q, k, v);
}
