/**
 * Mamba2 seed (Dao & Gu 2024, "Transformers are SSMs: Generalized Models and Efficient
 * Algorithms Through Structured State Space Duality"). Block: x + Mamba2Layer(RMSNorm(x)), then
 * + GatedMLP(RMSNorm(.)): the norm + mixer, norm + MLP layout of Genesys's Mamba2 blocks (its
 * seed file stacks two Mamba2 layers instead; here the second is a SwiGLU MLP, which keeps the
 * seed within the verifier's time and memory gates against the GPT seed at laptop rungs).
 *
 * Mamba2Layer: one in-projection to z (gate), x, B, C and dt; a short causal depthwise conv
 * (kernel 4) + SiLU on x, B, C; the SSD scan; y * silu(z), RMSNorm, out-projection.
 * SSD: dt = softplus(dt + dtBias), A = -exp(ALog) per head, per-head scalar log-decay dt * A,
 * state S_t = exp(dt_t A) S_{t-1} + B_t^T (x_t dt_t), y_t = C_t S_t + D x_t, computed chunkwise
 * by ops.linearScan with q = C, k = B, v = x * dt; one group: B and C shared by all heads.
 * Small-scale choices: expand 2, dState 16, headDim 32 (Mamba2 uses 64); ALog starts at evenly
 * spaced values from log 1 to log 16 and dtBias at inverse-softplus values evenly spaced for
 * dt from about 0.001 to 0.1 (Mamba2 draws both at random); no dt clamping.
 */
import { unit, block, ops, type Ctx, type Tensor } from 'blocksmith/gab';

export const hparams = {
  /** Inner width as a multiple of d. */
  expand: 2,
  /** SSM state size N (the width of B and C). */
  dState: 16,
  /** Channels per SSM head; must divide expand * d. */
  headDim: 32,
  /** Depthwise causal conv kernel size. */
  convKernel: 4,
  /** MLP hidden width as a multiple of d, rounded to a multiple of 8. */
  mlpRatio: 2,
};
type H = typeof hparams;

const RMSNorm = unit({
  name: 'RMSNorm',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const width = x.shape[x.rank - 1] ?? c.d;
    return [ops.rmsNorm(x, c.param('weight', [width], 'ones'), 1e-5), z];
  },
});

/** x ‖ B ‖ C ‖ dt [B, L, inner + 2N + H] to y [B, L, inner]: the selective scan with D skip. */
const SSD = unit({
  name: 'SSD',
  children: [],
  forward(c: Ctx<H>, xbcdt, z) {
    const inner = c.hp.expand * c.d;
    const heads = inner / c.hp.headDim; // Mamba2Layer checked that this is an integer
    const n = c.hp.dState;
    const [bsz, len] = [xbcdt.shape[0]!, xbcdt.shape[1]!];
    const [xs, bm, cm, dtRaw] = ops.split(xbcdt, [inner, n, n, heads], -1);
    const dtBias = c.param('dtBias', [heads], {
      linspace: [Math.log(Math.expm1(0.001)), Math.log(Math.expm1(0.1))],
    });
    const aLog = c.param('ALog', [heads], { linspace: [0, Math.log(16)] });
    const dt = ops.softplus(ops.add(dtRaw, dtBias)); // [B, L, H]
    const logDecay = ops.mul(dt, ops.neg(ops.exp(aLog))); // [B, L, H], <= 0
    const toHeads = (t: Tensor) => ops.reshape(ops.transpose(t, [0, 2, 1]), [bsz, heads, len, 1]);
    const xh = ops.splitHeads(xs, heads); // [B, H, L, P]
    const v = ops.mul(xh, toHeads(dt)); // [B, H, L, P]
    // B and C are shared by all heads (one group): broadcast [B, 1, L, N] to [B, H, L, N].
    const perHead = ops.full([1, heads, 1, 1], 1);
    const share = (t: Tensor) => ops.mul(ops.reshape(t, [bsz, 1, len, n]), perHead);
    const y = ops.linearScan(share(cm), share(bm), v, toHeads(logDecay)); // [B, H, L, P]
    const dSkip = ops.reshape(c.param('D', [heads], 'ones'), [heads, 1, 1]);
    return [ops.mergeHeads(ops.add(y, ops.mul(xh, dSkip))), z];
  },
});

const Mamba2Layer = unit({
  name: 'Mamba2Layer',
  children: [SSD, RMSNorm],
  forward(c: Ctx<H>, x, z) {
    const inner = c.hp.expand * c.d;
    if (!Number.isInteger(inner) || inner % c.hp.headDim !== 0) {
      throw new Error(
        `mamba2: headDim ${c.hp.headDim} must divide the inner width expand * d = ${inner}; change expand or headDim`,
      );
    }
    const heads = inner / c.hp.headDim;
    const n = c.hp.dState;
    const convWidth = inner + 2 * n;
    const proj = ops.linear(x, c.param('wIn', [c.d, inner + convWidth + heads])); // [B, L, 2 inner + 2N + H]
    const [gate, xbc, dt] = ops.split(proj, [inner, convWidth, heads], -1);
    const convW = c.param('convW', [c.hp.convKernel, convWidth], {
      uniform: [-1 / Math.sqrt(c.hp.convKernel), 1 / Math.sqrt(c.hp.convKernel)],
    });
    const xbcAct = ops.silu(ops.causalConv1d(xbc, convW, c.param('convB', [convWidth], 'zeros')));
    const [y, z1] = c.call(SSD, ops.concat([xbcAct, dt], -1), z); // [B, L, inner]
    const [yn, z2] = c.call(RMSNorm, ops.mul(y, ops.silu(gate)), z1, 'gatedNorm');
    const wOut = c.param('wOut', [inner, c.d], { normal: 0.02 / Math.sqrt(2 * c.nBlocks) });
    return [ops.linear(yn, wOut), z2];
  },
});

/** SwiGLU MLP: [B, L, D] to [B, L, D], hidden width mlpRatio * d rounded to a multiple of 8. */
const GatedMLP = unit({
  name: 'GatedMLP',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const d = c.d;
    const hidden = Math.max(8, Math.round((c.hp.mlpRatio * d) / 8) * 8);
    const [gate, up] = ops.split(ops.linear(x, c.param('wGateUp', [d, 2 * hidden])), 2, -1); // [B, L, F]
    const wDown = c.param('wDown', [hidden, d], { normal: 0.02 / Math.sqrt(2 * c.nBlocks) });
    return [ops.linear(ops.mul(ops.silu(gate), up), wDown), z];
  },
});

const Mamba2Block = unit({
  name: 'Mamba2Block',
  children: [RMSNorm, Mamba2Layer, GatedMLP],
  forward(c: Ctx<H>, x, z) {
    const [n1, z1] = c.call(RMSNorm, x, z, 'mixerNorm');
    const [m, z2] = c.call(Mamba2Layer, n1, z1);
    const h = ops.add(x, m);
    const [n2, z3] = c.call(RMSNorm, h, z2, 'mlpNorm');
    const [f, z4] = c.call(GatedMLP, n2, z3);
    return [ops.add(h, f), z4];
  },
});

export default block({ name: 'mamba2', hparams, root: Mamba2Block });
