// Dense products on Blocksmith's own wasm kernels (kernels/gemm.c) as one tfjs kernel with a
// registered gradient, so tidy, the tape and memory accounting see it as any other kernel. The
// three operand layouts close under differentiation (each gradient is the same kernel in another
// layout), so no transpose is ever materialised but a weight's, in kernel scratch:
//   'nn': a [m, k] @ b [k, n]     da = dy b^T ('nt')   db = a^T dy ('tn')
//   'nt': a [m, k] @ b [n, k]^T   da = dy b ('nn')     db = dy^T a ('tn')
//   'tn': a [k, m]^T @ b [k, n]   da = b dy^T ('nt')   db = a dy ('nn')
// Rank 3 operands [G, ., .] are G independent products. Wasm only: callers keep tfjs elsewhere.
import * as tf from '@tensorflow/tfjs-core';
import { addressOf, moduleOn, output, withScratch } from './kernels';

/** Operand layouts: 'nt' reads b transposed, 'tn' reads a transposed. */
export type Form = 'nn' | 'nt' | 'tn';

const KERNEL = 'BlocksmithMatMul';
const FORMS: readonly Form[] = ['nn', 'nt', 'tn'];

type Info = tf.TensorInfo;
type Grads = Record<string, () => tf.Tensor>;

/** [G, m, k, n] of a product: the batch, output rows, inner size, output columns. */
function dims(a: readonly number[], b: readonly number[], form: Form): number[] {
  const r = a.length;
  const g = r === 3 ? a[0] : 1;
  const [a0, a1] = [a[r - 2], a[r - 1]];
  const [b0, b1] = [b[r - 2], b[r - 1]];
  const [m, k, kb, n] =
    form === 'nn' ? [a0, a1, b0, b1] : form === 'nt' ? [a0, a1, b1, b0] : [a1, a0, b0, b1];
  const batchOk = b.length === r && (r === 2 || (r === 3 && b[0] === g));
  if (!batchOk || k !== kb) {
    throw new Error(
      `${KERNEL}: a [${a.join(', ')}] and b [${b.join(', ')}] do not multiply as '${form}' ` +
        '(rank 2, or rank 3 with equal batches; inner sizes equal)',
    );
  }
  return [g, m, k, n];
}

/** The kernel body: out = a (form) b (+ bias [n], rank 2 only). */
function body({
  inputs,
  attrs,
  backend,
}: {
  inputs: Record<string, Info | undefined>;
  attrs: { form: number };
  backend: unknown;
}): Info {
  const { a, b, bias } = inputs as { a: Info; b: Info; bias?: Info };
  const form = FORMS[attrs.form];
  const [g, m, k, n] = dims(a.shape, b.shape, form) as [number, number, number, number];
  const fns = moduleOn(backend, 'gemm');
  const o = output(backend, a.shape.length === 3 ? [g, m, n] : [m, n]);
  const [pa, pb] = [addressOf(backend, a), addressOf(backend, b)];
  if (bias) {
    if (form !== 'nn' || g !== 1 || bias.shape.length !== 1 || bias.shape[0] !== n) {
      throw new Error(`${KERNEL}: a bias must be [${n}] on a rank 2 'nn' product`);
    }
    fns.gemm_nn_bias(pa, pb, addressOf(backend, bias), o.at, m, k, n);
    return o.info;
  }
  // 'nt' transposes each b [n, k] into the scratch (the kernel then broadcasts along rows of b^T)
  const bytes = form === 'nt' ? 4 * k * n : 0;
  withScratch(backend, bytes, (s) => {
    fns.gemm_batched(pa, pb, o.at, g, m, k, n, form === 'tn' ? 1 : 0, form === 'nt' ? 1 : 0, s);
  });
  return o.info;
}

/** dy with respect to a and b (and bias), each as the kernel in another layout. */
const gradient: tf.GradFunc = (dys, saved, attrs) => {
  const dy = dys as tf.Tensor;
  const [a, b] = saved as [tf.Tensor, tf.Tensor];
  const form = FORMS[(attrs as { form: number }).form];
  const grads: Grads =
    form === 'nn'
      ? { a: () => gemm(dy, b, 'nt'), b: () => gemm(a, dy, 'tn') }
      : form === 'nt'
        ? { a: () => gemm(dy, b, 'nn'), b: () => gemm(dy, a, 'tn') }
        : { a: () => gemm(b, dy, 'nt'), b: () => gemm(a, dy, 'nn') };
  // the bias (rank 2 'nn' only) is added to every row
  return { ...grads, bias: () => tf.sum(dy, 0) };
};

let registered = false;

function register(): void {
  if (registered) {
    return;
  }
  registered = true;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: body as unknown as tf.KernelFunc,
  });
  tf.registerGradient({ kernelName: KERNEL, inputsToSave: ['a', 'b'], gradFunc: gradient });
}

/**
 * a (form) b on the wasm kernels, differentiable: rank 2, or rank 3 [G, ., .] with equal G (see
 * the layouts above). Call where onWasm(a, b).
 */
export function gemm(a: tf.Tensor, b: tf.Tensor, form: Form): tf.Tensor {
  register();
  return tf.engine().runKernel<tf.Tensor>(KERNEL, { a, b }, { form: FORMS.indexOf(form) });
}

/** x [m, k] @ w [k, n] + bias [n] in one pass (the bias seeds the accumulators). */
export function gemmBias(x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  register();
  return tf.engine().runKernel<tf.Tensor>(KERNEL, { a: x, b: w, bias }, { form: 0 });
}
