// Times forward + backward of the heavy ops at the 50k rung's shapes (d 48, context 64, head
// width 16, batch 16) on wasm, plus the alternatives the ops chose between.
// Usage: npm run build && npm run compile-tests && node bench/ops.mjs [iterations]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core');
const { ops } = require('../out/src/gab/ops');
const { initBackend } = require('../out/src/backend');

const ITERS = Number(process.argv[2] ?? 30);
const [B, L, D, DH] = [16, 64, 48, 16];
const H = D / DH;

/**
 * Median ms of f() over ITERS runs after 3 warm-up runs (the median, because the machine is
 * shared); f returns a tensor, read back so the work is done.
 */
function time(f) {
  const run = () =>
    tf.tidy(() => {
      f().dataSync(); // returning the array from tidy would make tidy walk every element
    });
  for (let i = 0; i < 3; i++) run();
  const ms = [];
  for (let i = 0; i < ITERS; i++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(ITERS / 2)];
}

/** forward + backward of sum(f(xs) * w) with respect to every input. */
function fwdBwd(f, xs) {
  const w = tf.tidy(() => tf.randomNormal(tf.tidy(() => f(...xs).shape)));
  const g = tf.grads((...a) => tf.sum(tf.mul(f(...a), w)));
  return () => tf.addN(g(xs).map((t) => tf.sum(t)));
}

const rand = (shape, lo = -1, hi = 1) => tf.randomUniform(shape, lo, hi, 'float32', 7);
const rows = [];
const report = (name, ms, extra = '') => {
  rows.push({ name, ms });
  console.log(`${name.padEnd(52)} ${ms.toFixed(2).padStart(8)} ms ${extra}`);
};

await initBackend('wasm');
console.log(
  `backend ${tf.getBackend()}, B ${B}, L ${L}, D ${D}, H ${H}, Dh ${DH}, ${ITERS} iterations`,
);

// linear: the MLP's up projection, against tf's own matMul gradient (transposed forms)
const x = rand([B, L, D]);
const w = rand([D, 128]);
const mine = time(fwdBwd((a, b) => ops.linear(a, b), [x, w]));
const x2 = tf.reshape(x, [B * L, D]);
const theirs = time(fwdBwd((a, b) => tf.matMul(a, b), [x2, w]));
report(
  'linear [16,64,48] @ [48,128], fwd+bwd',
  mine,
  `(tf.matMul's own gradient: ${theirs.toFixed(2)} ms, ${(theirs / mine).toFixed(1)}x slower)`,
);

// linear at the 250k rung's shapes (4 rows x 128 tokens, d 80): our GEMM kernels (forward and
// both gradients, no transpose) against XNNPACK with the explicit transposes the op used before
const xnnLinear = tf.customGrad((a, b, save) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy, [sa, sb]) => [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)],
  };
});
for (const [din, dout] of [
  [80, 240],
  [80, 432],
  [216, 80],
]) {
  const xl = rand([512, din]);
  const wl = rand([din, dout]);
  const ours = time(fwdBwd((a, b) => ops.linear(a, b), [xl, wl]));
  const xnn = time(fwdBwd((a, b) => xnnLinear(a, b), [xl, wl]));
  const gmac = (ms) => ((3 * 512 * din * dout) / ms / 1e6).toFixed(1);
  report(
    `linear [512,${din}] @ [${din},${dout}], fwd+bwd`,
    ours,
    `(${gmac(ours)} GMAC/s; XNNPACK + transposes ${xnn.toFixed(2)} ms, ${gmac(xnn)} GMAC/s)`,
  );
}

const [q, k, v] = [rand([B, H, L, DH]), rand([B, H, L, DH]), rand([B, H, L, DH])];
report(
  'matmul [16,3,64,16] @ [16,3,16,64]^T, fwd+bwd',
  time(fwdBwd((a, b) => ops.matmul(a, b, true), [q, k])),
);
const q1 = tf.reshape(q, [1, B * H * L, DH]);
const k1 = tf.reshape(k, [1, B * H * L, DH]);
report(
  'matmul [1,3072,16] @ [1,3072,16]^T (batch 1: 2-D path), fwd+bwd',
  time(fwdBwd((a, b) => ops.matmul(a, b, true), [q1, tf.slice(k1, [0, 0, 0], [1, 64, DH])])),
);
report('rotary [16,3,64,16], fwd+bwd', time(fwdBwd((a) => ops.rotary(a), [q])));
report(
  'causalAttention [16,3,64,16], fwd+bwd',
  time(fwdBwd((a, b, c) => ops.causalAttention(a, b, c), [q, k, v])),
);
report(
  'causalAttention, forward only',
  time(() => ops.causalAttention(q, k, v)),
);

const gScalar = rand([B, H, L, 1], -1, -0.01);
const gChan = rand([B, H, L, DH], -1, -0.01);
const u = rand([H, DH]);
for (const chunk of [8, 16, 32, 64]) {
  report(
    `linearScan scalar decay, chunk ${chunk}, fwd+bwd`,
    time(fwdBwd((a, b, c, g) => ops.linearScan(a, b, c, g, { chunk }), [q, k, v, gScalar])),
  );
}
for (const chunk of [8, 16, 32]) {
  report(
    `linearScan channel decay, excl+bonus, chunk ${chunk}, fwd+bwd`,
    time(
      fwdBwd(
        (a, b, c, g, e) => ops.linearScan(a, b, c, g, { chunk, exclusive: true, bonus: e }),
        [q, k, v, gChan, u],
      ),
    ),
  );
}

// alternatives behind the choices in src/gab/ops
const xs = rand([B, L, 2 * D]);
report(
  'cumsum [16,64,96] (tf.cumsum on the last axis), fwd+bwd',
  time(fwdBwd((a) => ops.cumsum(a), [xs])),
);
const upper = tf.transpose(ops.tril(L));
const triangular = (a) =>
  tf.transpose(
    tf.reshape(tf.matMul(tf.reshape(tf.transpose(a, [0, 2, 1]), [-1, L]), upper), [B, -1, L]),
    [0, 2, 1],
  );
report('  as a triangular matmul instead, fwd+bwd', time(fwdBwd(triangular, [xs])));
report(
  'causalConv1d [16,64,96], K 4, fwd+bwd',
  time(fwdBwd((a, b) => ops.causalConv1d(a, b), [xs, rand([4, 2 * D])])),
);
