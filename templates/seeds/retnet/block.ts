/**
 * RetNet seed (Sun et al. 2023, "Retentive Network: A Successor to Transformer for Large
 * Language Models"). Block: x + MultiScaleRetention(LayerNorm(x)), then + RetNetMLP(LayerNorm(.)).
 *
 * Multi-scale retention: q, k, v, g projections (value and gate width vFactor * d, as in the
 * paper's v = 2d); rotary positions on q and k; per head h a fixed decay
 * gamma_h = 1 - 2^(-5 - h), so S_t = gamma_h S_{t-1} + k_t^T v_t and y_t = q_t S_t (the
 * recurrent form, run chunkwise by ops.linearScan); a per-head group norm; a swish gate;
 * an out-projection. RetNetMLP: the paper's FFN, GELU between two biased projections.
 * Small-scale choices: plain rotary in place of xPos (no length-extrapolation scaling); no
 * retention-score normalisation (the group norm absorbs the scale); heads of `headDim` (16)
 * channels for q and k, so the head count d / 16 divides every rung's width.
 */
import { unit, block, ops, type Ctx } from 'blocksmith/gab';

export const hparams = {
  /** Query/key channels per head; must be even and divide d. */
  headDim: 16,
  /** Value and gate width as a multiple of d. */
  vFactor: 2,
  /** MLP hidden width as a multiple of d. */
  ffnRatio: 2,
  /** Rotary frequency base. */
  ropeBase: 10000,
};
type H = typeof hparams;

const LayerNorm = unit({
  name: 'LayerNorm',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const w = c.param('weight', [c.d], 'ones');
    return [ops.layerNorm(x, w, c.param('bias', [c.d], 'zeros'), 1e-5), z];
  },
});

const MultiScaleRetention = unit({
  name: 'MultiScaleRetention',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const d = c.d;
    const dk = c.hp.headDim;
    if (d % dk !== 0 || dk % 2 !== 0) {
      throw new Error(`retnet: headDim ${dk} must be even and divide d ${d}; pick another headDim`);
    }
    const heads = d / dk;
    const dv = Math.round(c.hp.vFactor * d);
    const [bsz, len] = [x.shape[0]!, x.shape[1]!];
    const [q, k] = ops.split(ops.linear(x, c.param('wqk', [d, 2 * d])), 2, -1); // [B, L, D]
    const [v, g] = ops.split(ops.linear(x, c.param('wvg', [d, 2 * dv])), 2, -1); // [B, L, Dv*H]
    const qh = ops.rotary(ops.splitHeads(q, heads), c.hp.ropeBase); // [B, H, L, Dk]
    const kh = ops.mul(ops.rotary(ops.splitHeads(k, heads), c.hp.ropeBase), 1 / Math.sqrt(dk));
    const decays = [];
    for (let h = 0; h < heads; h++) {
      decays.push(ops.full([bsz, 1, len, 1], Math.log1p(-Math.pow(2, -5 - h))));
    }
    const logDecay = ops.concat(decays, 1); // [B, H, L, 1], log gamma_h
    const y = ops.linearScan(qh, kh, ops.splitHeads(v, heads), logDecay); // [B, H, L, Dv]
    const gn = ops.groupNorm(
      ops.mergeHeads(y),
      heads,
      c.param('gnWeight', [dv], 'ones'),
      c.param('gnBias', [dv], 'zeros'),
    );
    const wo = c.param('wo', [dv, d], { normal: 0.02 / Math.sqrt(2 * c.nBlocks) });
    return [ops.linear(ops.mul(ops.silu(g), gn), wo), z];
  },
});

const RetNetMLP = unit({
  name: 'RetNetMLP',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const f = Math.max(8, Math.round(c.hp.ffnRatio * c.d));
    const h = ops.gelu(ops.linear(x, c.param('w1', [c.d, f]), c.param('b1', [f], 'zeros')));
    const w2 = c.param('w2', [f, c.d], { normal: 0.02 / Math.sqrt(2 * c.nBlocks) });
    return [ops.linear(h, w2, c.param('b2', [c.d], 'zeros')), z];
  },
});

const RetNetBlock = unit({
  name: 'RetNetBlock',
  children: [LayerNorm, MultiScaleRetention, RetNetMLP],
  forward(c: Ctx<H>, x, z) {
    const [n1, z1] = c.call(LayerNorm, x, z, 'retentionNorm');
    const [r, z2] = c.call(MultiScaleRetention, n1, z1);
    const h = ops.add(x, r);
    const [n2, z3] = c.call(LayerNorm, h, z2, 'mlpNorm');
    const [m, z4] = c.call(RetNetMLP, n2, z3);
    return [ops.add(h, m), z4];
  },
});

export default block({ name: 'retnet', hparams, root: RetNetBlock });
