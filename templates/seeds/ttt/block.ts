/**
 * TTT-Linear seed (Sun et al. 2024, "Learning to (Learn at Test Time): RNNs with Expressive
 * Hidden States"), laid out as Genesys's TTT seed: x + ShortConv(x) (RMSNorm then a causal
 * depthwise conv), then + TTTLinear(RMSNorm(.)), then + SwiGluMLP(RMSNorm(.)).
 *
 * TTTLinear: q, k, v projections with rotary positions on q and k. Each head's hidden state is
 * a linear model W [Dh, Dh] (learned initial value W0), trained as the sequence is read by
 * mini-batch gradient descent on the self-supervised loss 0.5 ||k W - v||^2, in chunks of
 * `miniBatch` tokens with a learned per-token rate eta = baseLr * sigmoid(x wEta + bEta) / Dh.
 * The dual form: with W0 the state at the chunk's start, e_s = k_s W0 - v_s,
 * z_t = q_t W0 - sum_{s<=t} eta_s (q_t . k_s) e_s, then W0 <- W0 - sum_s eta_s k_s^T e_s.
 * The output goes through a per-head norm, a GELU gate and an out-projection.
 * Small-scale simplifications: no layer norm and no residual inside the inner model, no inner
 * bias, no learned per-position rate within a chunk; rotary positions run over the whole
 * sequence; heads of `headDim` (16) channels so the head count divides every rung's width.
 */
import { unit, block, ops, type Ctx, type Tensor } from 'blocksmith/gab';

export const hparams = {
  /** Channels per head (the inner model is [headDim, headDim]); must be even and divide d. */
  headDim: 16,
  /** Tokens per inner mini-batch (one gradient step of the inner model per chunk). */
  miniBatch: 16,
  /** Base inner learning rate. */
  baseLr: 1,
  /** SwiGLU hidden width as a multiple of d, rounded to a multiple of 8. */
  mlpRatio: 2.5,
  /** Causal conv kernel size of ShortConv. */
  convKernel: 4,
  /** Rotary frequency base. */
  ropeBase: 10000,
};
type H = typeof hparams;

const RMSNorm = unit({
  name: 'RMSNorm',
  children: [],
  forward(c: Ctx<H>, x, z) {
    return [ops.rmsNorm(x, c.param('weight', [c.d], 'ones'), 1e-6), z];
  },
});

/** RMSNorm, then a depthwise causal conv over the sequence: [B, L, D] to [B, L, D]. */
const ShortConv = unit({
  name: 'ShortConv',
  children: [RMSNorm],
  forward(c: Ctx<H>, x, z) {
    const k = c.hp.convKernel;
    const [n, z1] = c.call(RMSNorm, x, z);
    const w = c.param('convW', [k, c.d], { uniform: [-1 / Math.sqrt(k), 1 / Math.sqrt(k)] });
    return [ops.causalConv1d(n, w, c.param('convB', [c.d], 'zeros')), z1];
  },
});

/**
 * The inner model, run in the dual form chunk by chunk. In: q ‖ k ‖ v ‖ eta [B, L, 3 D + H]
 * (eta already scaled); out: z [B, L, D]. Owns W0 [H, Dh, Dh], the inner model's initial value.
 */
const TTTInner = unit({
  name: 'TTTInner',
  children: [],
  forward(c: Ctx<H>, qkve, z) {
    const d = c.d;
    const dh = c.hp.headDim;
    const heads = d / dh; // TTTLinear checked that this is an integer
    const [bsz, len] = [qkve.shape[0]!, qkve.shape[1]!];
    const [q, k, v, etaRaw] = ops.split(qkve, [d, d, d, heads], -1);
    const qh = ops.rotary(ops.splitHeads(q, heads), c.hp.ropeBase); // [B, H, L, Dh]
    const kh = ops.rotary(ops.splitHeads(k, heads), c.hp.ropeBase); // [B, H, L, Dh]
    const vh = ops.splitHeads(v, heads); // [B, H, L, Dh]
    const eta = ops.reshape(ops.transpose(etaRaw, [0, 2, 1]), [bsz, heads, len, 1]);
    const w0 = c.param('W0', [heads, dh, dh], { normal: 0.02 });
    let w = ops.tile(ops.reshape(w0, [1, heads, dh, dh]), [bsz, 1, 1, 1]); // [B, H, Dh, Dh]
    const outs: Tensor[] = [];
    const b = Math.max(1, Math.floor(c.hp.miniBatch));
    for (let start = 0; start < len; start += b) {
      const n = Math.min(b, len - start);
      const cut = (t: Tensor) => ops.slice(t, [0, 0, start, 0], [-1, -1, n, -1]);
      const [qc, kc, vc, ec] = [cut(qh), cut(kh), cut(vh), cut(eta)]; // [B, H, n, Dh]; eta [B, H, n, 1]
      const err = ops.sub(ops.matmul(kc, w), vc); // [B, H, n, Dh]: d loss / d (k W)
      const scores = ops.mul(ops.matmul(qc, kc, true), ops.tril(n)); // [B, H, n, n], s <= t
      const weighted = ops.mul(scores, ops.transpose(ec, [0, 1, 3, 2])); // eta_s on column s
      outs.push(ops.sub(ops.matmul(qc, w), ops.matmul(weighted, err))); // [B, H, n, Dh]
      if (start + n < len) {
        const grad = ops.matmul(ops.transpose(kc, [0, 1, 3, 2]), ops.mul(ec, err)); // [B, H, Dh, Dh]
        w = ops.sub(w, grad);
      }
    }
    return [ops.mergeHeads(outs.length === 1 ? outs[0]! : ops.concat(outs, 2)), z];
  },
});

const TTTLinear = unit({
  name: 'TTTLinear',
  children: [TTTInner],
  forward(c: Ctx<H>, x, z) {
    const d = c.d;
    const dh = c.hp.headDim;
    if (d % dh !== 0 || dh % 2 !== 0) {
      throw new Error(`ttt: headDim ${dh} must be even and divide d ${d}; pick another headDim`);
    }
    const heads = d / dh;
    const qkv = ops.linear(x, c.param('wqkv', [d, 3 * d])); // [B, L, 3D]
    const etaLogit = ops.linear(x, c.param('wEta', [d, heads]), c.param('bEta', [heads], 'zeros'));
    const eta = ops.mul(ops.sigmoid(etaLogit), c.hp.baseLr / dh); // [B, L, H]
    const [zs, z1] = c.call(TTTInner, ops.concat([qkv, eta], -1), z); // [B, L, D]
    const normed = ops.groupNorm(
      zs,
      heads,
      c.param('normWeight', [d], 'ones'),
      c.param('normBias', [d], 'zeros'),
    );
    const gate = ops.gelu(ops.linear(x, c.param('wGate', [d, d])));
    const wo = c.param('wo', [d, d], { normal: 0.02 / Math.sqrt(2 * c.nBlocks) });
    return [ops.linear(ops.mul(normed, gate), wo), z1];
  },
});

const SwiGluMLP = unit({
  name: 'SwiGluMLP',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const d = c.d;
    const hidden = Math.max(8, Math.round((c.hp.mlpRatio * d) / 8) * 8);
    const [gate, up] = ops.split(ops.linear(x, c.param('wGateUp', [d, 2 * hidden])), 2, -1); // [B, L, F]
    const wDown = c.param('wDown', [hidden, d], { normal: 0.02 / Math.sqrt(2 * c.nBlocks) });
    return [ops.linear(ops.mul(ops.silu(gate), up), wDown), z];
  },
});

const TTTBlock = unit({
  name: 'TTTBlock',
  children: [ShortConv, RMSNorm, TTTLinear, SwiGluMLP],
  forward(c: Ctx<H>, x, z) {
    const [cv, z1] = c.call(ShortConv, x, z);
    const h0 = ops.add(x, cv);
    const [n1, z2] = c.call(RMSNorm, h0, z1, 'seqNorm');
    const [t, z3] = c.call(TTTLinear, n1, z2);
    const h1 = ops.add(h0, t);
    const [n2, z4] = c.call(RMSNorm, h1, z3, 'ffnNorm');
    const [m, z5] = c.call(SwiGluMLP, n2, z4);
    return [ops.add(h1, m), z5];
  },
});

export default block({ name: 'ttt', hparams, root: TTTBlock });
