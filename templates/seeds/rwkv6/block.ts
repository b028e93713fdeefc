/**
 * RWKV6 ("Finch") seed (Peng et al. 2024, "Eagle and Finch: RWKV with Matrix-Valued States and
 * Dynamic Recurrence"). Block: x + TimeMix(LayerNorm(x)), then + ChannelMix(LayerNorm(.)).
 *
 * TimeMix: token shift; data-dependent lerp (DDLerp: a small LoRA turns x + (shift(x) - x) mu_x
 * into per-channel mixing weights for the w, k, v, r, g inputs); r, k, v, g projections; a
 * data-dependent decay w_t = exp(-exp(w0 + LoRA(x_w))), i.e. log-decay -exp(...) (DecayLoRA);
 * the WKV recurrence S_t = diag(w_t) S_{t-1} + k_t^T v_t, y_t = r_t (S_{t-1} + diag(u) k_t^T v_t)
 * (ops.linearScan, exclusive, with the bonus u [H, Dk]); a per-head group norm; y * silu(g);
 * an out-projection. ChannelMix: token shift and lerp, k = relu(x_k Wk)^2, v = k Wv,
 * out = sigmoid(x_r Wr) * v.
 * Small-scale choices: heads of `headSize` (16) channels (RWKV6 uses 64); LoRA ranks 8 (mixing)
 * and 16 (decay); ChannelMix hidden 2.5 d (RWKV6 uses 3.5 d) to stay near the GPT seed's size;
 * the per-channel initial values (mu, w0, u) are linear ramps rather than RWKV's layer-dependent
 * power curves; the LoRA down-projections start small but nonzero so every parameter gets a
 * gradient from the first step; the WKV scan runs in chunks of 8 (less memory, same result).
 */
import { unit, block, ops, type Ctx, type Tensor } from 'blocksmith/gab';

export const hparams = {
  /** Channels per WKV head; must divide d. */
  headSize: 16,
  /** Rank of the DDLerp LoRA (mixing weights). */
  mixRank: 8,
  /** Rank of the decay LoRA. */
  decayRank: 16,
  /** ChannelMix hidden width as a multiple of d, rounded to a multiple of 8. */
  ffnRatio: 2.5,
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

/** x [B, L, D] to the five data-dependent lerps of x and shift(x), [B, L, 5 D] (w, k, v, r, g). */
const DDLerp = unit({
  name: 'DDLerp',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const d = c.d;
    const r = c.hp.mixRank;
    const xx = ops.sub(ops.shift(x), x); // [B, L, D]: previous token minus this one
    const xxx = ops.add(x, ops.mul(xx, c.param('muX', [d], { linspace: [0, 1] })));
    const hid = ops.tanh(ops.linear(xxx, c.param('lora1', [d, 5 * r], { normal: 0.01 }))); // [B, L, 5r]
    const [bsz, len] = [x.shape[0]!, x.shape[1]!];
    const rows = bsz * len;
    // The five LoRA up-projections at once: [5, BL, r] @ [5, r, D] to [5, BL, D].
    const hid5 = ops.transpose(ops.reshape(hid, [rows, 5, r]), [1, 0, 2]);
    const lora = ops.matmul(hid5, c.param('lora2', [5, r, d], { normal: 0.01 }));
    const mu = ops.reshape(c.param('mu', [5, d], { linspace: [0, 1] }), [5, 1, d]);
    const flat = (t: Tensor) => ops.reshape(t, [1, rows, d]);
    const mixed = ops.add(flat(x), ops.mul(flat(xx), ops.add(lora, mu))); // [5, BL, D]
    return [ops.reshape(ops.transpose(mixed, [1, 0, 2]), [bsz, len, 5 * d]), z];
  },
});

/** x_w [B, L, D] to the log-decay -exp(w0 + LoRA(x_w)) [B, L, D] (always < 0). */
const DecayLoRA = unit({
  name: 'DecayLoRA',
  children: [],
  forward(c: Ctx<H>, xw, z) {
    const d = c.d;
    const r = c.hp.decayRank;
    const hid = ops.tanh(ops.linear(xw, c.param('down', [d, r], { normal: 0.01 }))); // [B, L, r]
    const w = ops.add(
      ops.linear(hid, c.param('up', [r, d], { normal: 0.01 })),
      c.param('w0', [d], { linspace: [-6, -1] }),
    );
    return [ops.neg(ops.exp(w)), z];
  },
});

const TimeMix = unit({
  name: 'TimeMix',
  children: [DDLerp, DecayLoRA],
  forward(c: Ctx<H>, x, z) {
    const d = c.d;
    if (d % c.hp.headSize !== 0) {
      throw new Error(`rwkv6: headSize ${c.hp.headSize} must divide d ${d}; pick another headSize`);
    }
    const heads = d / c.hp.headSize;
    const [mixed, z1] = c.call(DDLerp, x, z);
    const [xw, xk, xv, xr, xg] = ops.split(mixed, 5, -1); // 5 x [B, L, D]
    const [logDecay, z2] = c.call(DecayLoRA, xw!, z1);
    const r = ops.splitHeads(ops.linear(xr!, c.param('wr', [d, d])), heads); // [B, H, L, Dk]
    const k = ops.splitHeads(ops.linear(xk!, c.param('wk', [d, d])), heads); // [B, H, L, Dk]
    const v = ops.splitHeads(ops.linear(xv!, c.param('wv', [d, d])), heads); // [B, H, L, Dv]
    const g = ops.silu(ops.linear(xg!, c.param('wg', [d, d]))); // [B, L, D]
    const u = c.param('bonus', [heads, c.hp.headSize], { linspace: [0.5, 0] });
    const wkv = ops.linearScan(r, k, v, ops.splitHeads(logDecay, heads), {
      exclusive: true,
      bonus: u,
      chunk: 8,
    });
    const gn = ops.groupNorm(
      ops.mergeHeads(wkv),
      heads,
      c.param('lnXWeight', [d], 'ones'),
      c.param('lnXBias', [d], 'zeros'),
      64e-5,
    );
    const wo = c.param('wo', [d, d], { normal: 0.02 / Math.sqrt(2 * c.nBlocks) });
    return [ops.linear(ops.mul(gn, g), wo), z2];
  },
});

const ChannelMix = unit({
  name: 'ChannelMix',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const d = c.d;
    const f = Math.max(8, Math.round((c.hp.ffnRatio * d) / 8) * 8);
    const xx = ops.sub(ops.shift(x), x); // [B, L, D]
    const xk = ops.add(x, ops.mul(xx, c.param('muK', [d], { linspace: [0, 1] })));
    const xr = ops.add(x, ops.mul(xx, c.param('muR', [d], { linspace: [0, 1] })));
    const k = ops.square(ops.relu(ops.linear(xk, c.param('wk', [d, f])))); // [B, L, F]
    const wv = c.param('wv', [f, d], { normal: 0.02 / Math.sqrt(2 * c.nBlocks) });
    const gate = ops.sigmoid(ops.linear(xr, c.param('wr', [d, d])));
    return [ops.mul(gate, ops.linear(k, wv)), z];
  },
});

const RWKV6Block = unit({
  name: 'RWKV6Block',
  children: [LayerNorm, TimeMix, ChannelMix],
  forward(c: Ctx<H>, x, z) {
    const [n1, z1] = c.call(LayerNorm, x, z, 'ln1');
    const [t, z2] = c.call(TimeMix, n1, z1);
    const h = ops.add(x, t);
    const [n2, z3] = c.call(LayerNorm, h, z2, 'ln2');
    const [m, z4] = c.call(ChannelMix, n2, z3);
    return [ops.add(h, m), z4];
  },
});

export default block({ name: 'rwkv6', hparams, root: RWKV6Block });
