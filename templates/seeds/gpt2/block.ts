/**
 * GPT-2 style seed (Radford et al. 2019, "Language Models are Unsupervised Multitask Learners"),
 * in the modernised form Genesys starts from: pre-norm RMSNorm, multi-head causal attention with
 * rotary positions (Su et al. 2021, RoFormer) and a SwiGLU gated MLP (Shazeer 2020).
 *
 * Block: x + MHA(RMSNorm(x)), then + GatedMLP(RMSNorm(.)).
 * Small-scale choices: no biases; heads of `headDim` (16) channels, so the head count d / 16
 * divides every rung's width; MLP hidden width 8/3 d rounded to a multiple of 8; the output
 * projections of both residual branches start at std 0.02 / sqrt(2 nBlocks), as in GPT-2.
 */
import { unit, block, ops, type Ctx } from 'blocksmith/gab';

export const hparams = {
  /** Channels per attention head; must divide d (16 divides every rung's width). */
  headDim: 16,
  /** MLP hidden width as a multiple of d, rounded to a multiple of 8. */
  mlpRatio: 2.6667,
  /** Rotary frequency base. */
  ropeBase: 10000,
};
type H = typeof hparams;

const RMSNorm = unit({
  name: 'RMSNorm',
  children: [],
  forward(c: Ctx<H>, x, z) {
    return [ops.rmsNorm(x, c.param('weight', [c.d], 'ones'), 1e-5), z];
  },
});

const MHA = unit({
  name: 'MHA',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const d = c.d;
    const dh = c.hp.headDim;
    if (d % dh !== 0 || dh % 2 !== 0) {
      throw new Error(`gpt2: headDim ${dh} must be even and divide d ${d}; pick another headDim`);
    }
    const heads = d / dh;
    const [q, k, v] = ops.split(ops.linear(x, c.param('wqkv', [d, 3 * d])), 3, -1); // [B, L, D] each
    const qh = ops.rotary(ops.splitHeads(q, heads), c.hp.ropeBase); // [B, H, L, Dh]
    const kh = ops.rotary(ops.splitHeads(k, heads), c.hp.ropeBase); // [B, H, L, Dh]
    const y = ops.causalAttention(qh, kh, ops.splitHeads(v, heads)); // [B, H, L, Dh]
    const wo = c.param('wo', [d, d], { normal: 0.02 / Math.sqrt(2 * c.nBlocks) });
    return [ops.linear(ops.mergeHeads(y), wo), z];
  },
});

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

const GPT2Block = unit({
  name: 'GPT2Block',
  children: [RMSNorm, MHA, GatedMLP],
  forward(c: Ctx<H>, x, z) {
    const [n1, z1] = c.call(RMSNorm, x, z, 'attnNorm');
    const [a, z2] = c.call(MHA, n1, z1);
    const h = ops.add(x, a);
    const [n2, z3] = c.call(RMSNorm, h, z2, 'mlpNorm');
    const [m, z4] = c.call(GatedMLP, n2, z3);
    return [ops.add(h, m), z4];
  },
});

export default block({ name: 'gpt2', hparams, root: GPT2Block });
