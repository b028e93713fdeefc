// Linear-recurrence mixers on ops.linearScan (S_t = diag(exp(logDecay_t)) S_{t-1} + k_t^T v_t,
// y_t = q_t S_t), differing in the decay: RetNet's fixed per-head decay, a learned per-head or
// per-channel decay, a data-dependent gated decay (GLA) or a selective per-head step (Mamba-like).
// Each output goes through a per-head group norm, a SiLU output gate and an out-projection.
// Also a gated short-convolution mixer and a token-shift mixer. All map [B, L, D] to [B, L, D].
import { OUT_INIT, pick, type RenderInput, type Rendered, type Variant } from './types';

interface Decay {
  readonly tag: string;
  readonly what: string;
  /** Statements defining `logDecay` [B, H, L, Dk or 1] (values <= 0). */
  readonly code: string;
}

const DECAYS: readonly Decay[] = [
  {
    tag: 'fixed',
    what: "RetNet's fixed per-head decay gamma_h = 1 - 2^(-5 - h) (multi-scale memory)",
    code: `    const decays = [];
    for (let h = 0; h < heads; h++) {
      decays.push(ops.full([bsz, 1, len, 1], Math.log1p(-Math.pow(2, -5 - h))));
    }
    const logDecay = ops.concat(decays, 1); // [B, H, L, 1]`,
  },
  {
    tag: 'head',
    what: 'a learned data-independent decay per head (log-sigmoid of a parameter started at 1 to 6)',
    code: `    const a = ops.logSigmoid(c.param('decay', [heads], { linspace: [1, 6] })); // [H], < 0
    const logDecay = ops.add(ops.reshape(a, [1, heads, 1, 1]), ops.full([bsz, heads, len, 1], 0)); // [B, H, L, 1]`,
  },
  {
    tag: 'channel',
    what: 'a learned data-independent decay per key channel (per-channel memory lengths)',
    code: `    const a = ops.logSigmoid(c.param('decay', [heads, dk], { linspace: [1, 6] })); // [H, Dk], < 0
    const logDecay = ops.add(ops.reshape(a, [1, heads, 1, dk]), ops.full([bsz, heads, len, dk], 0)); // [B, H, L, Dk]`,
  },
  {
    tag: 'gated',
    what: 'a data-dependent per-channel decay from a low-rank gate, as in Gated Linear Attention',
    code: `    const gHid = ops.linear(x, c.param('gDown', [d, 16], { normal: 0.02 })); // [B, L, 16]
    const gLogit = ops.linear(gHid, c.param('gUp', [16, d], { normal: 0.02 }), c.param('gBias', [d], { linspace: [1, 6] }));
    const logDecay = ops.splitHeads(ops.mul(ops.logSigmoid(gLogit), 1 / 4), heads); // [B, H, L, Dk]`,
  },
  {
    tag: 'selective',
    what: 'a selective per-head step dt = softplus(x w + b) scaling a learned rate, as in Mamba2',
    code: `    const dt = ops.softplus(ops.linear(x, c.param('wDt', [d, heads], { normal: 0.02 }), c.param('dtBias', [heads], { linspace: [-4, -1] }))); // [B, L, H]
    const rate = ops.exp(c.param('aLog', [heads], { linspace: [0, 2] })); // [H]
    const logDecay = ops.reshape(ops.transpose(ops.mul(ops.neg(dt), rate), [0, 2, 1]), [bsz, heads, len, 1]); // [B, H, L, 1]`,
  },
];

function linearAttention(p: RenderInput): Rendered {
  const decay = pick(p.rng, DECAYS);
  const rotary = p.rng() < 0.5;
  const pos = (t: string): string => (rotary ? `ops.rotary(${t}, 10000)` : t);
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const d = c.d;
    const dk = 16;
    if (d % dk !== 0) {
      throw new Error(\`${p.name}: head width \${dk} must divide d \${d}; pick another head width\`);
    }
    const heads = d / dk;
    const [bsz, len] = [x.shape[0]!, x.shape[1]!];
    const [q, k, v, g] = ops.split(ops.linear(x, c.param('wqkvg', [d, 4 * d])), 4, -1); // [B, L, D] each
    const qh = ${pos('ops.splitHeads(q, heads)')}; // [B, H, L, Dk]
    const kh = ops.mul(${pos('ops.splitHeads(k, heads)')}, 1 / Math.sqrt(dk)); // [B, H, L, Dk]
${decay.code}
    const y = ops.linearScan(qh, kh, ops.splitHeads(v, heads), logDecay); // [B, H, L, Dk]
    const gn = ops.groupNorm(ops.mergeHeads(y), heads, c.param('gnWeight', [d], 'ones'), c.param('gnBias', [d], 'zeros'));
    return [ops.linear(ops.mul(ops.silu(g), gn), c.param('wo', [d, d], ${OUT_INIT})), z];
  },
});`;
  return {
    text,
    helpers: [],
    tag: `linear-${decay.tag}${rotary ? '-rotary' : ''}`,
    summary: `a gated linear-attention recurrence (ops.linearScan, a matrix state per head) with ${decay.what}${rotary ? ', rotary positions on q and k' : ''}, per-head group norm and a SiLU output gate: constant memory per token instead of attention's growing cache`,
  };
}

function gatedConv(p: RenderInput): Rendered {
  const k = pick(p.rng, [3, 4, 8]);
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const d = c.d;
    const [u, g] = ops.split(ops.linear(x, c.param('wIn', [d, 2 * d])), 2, -1); // [B, L, D] each
    const cw = c.param('convW', [${k}, d], { uniform: [${-1 / Math.sqrt(k)}, ${1 / Math.sqrt(k)}] });
    const h = ops.silu(ops.causalConv1d(u, cw, c.param('convB', [d], 'zeros'))); // [B, L, D]
    return [ops.linear(ops.mul(h, ops.sigmoid(g)), c.param('wo', [d, d], ${OUT_INIT})), z];
  },
});`;
  return {
    text,
    helpers: [],
    tag: `gated-conv-k${k}`,
    summary: `a gated short causal convolution (depthwise, kernel ${k}, SiLU, sigmoid gate): a cheap local mixer (as in H3 / Hyena's short filters) that sees only the last ${k} tokens`,
  };
}

function tokenShift(p: RenderInput): Rendered {
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const d = c.d;
    const xx = ops.sub(ops.shift(x), x); // [B, L, D]: previous token minus this one
    const x1 = ops.add(x, ops.mul(xx, c.param('mu1', [d], { linspace: [0, 1] })));
    const x2 = ops.add(x, ops.mul(ops.sub(ops.shift(x, 2), x), c.param('mu2', [d], { linspace: [0, 0.5] })));
    const h = ops.mul(ops.linear(x1, c.param('wA', [d, d])), ops.sigmoid(ops.linear(x2, c.param('wB', [d, d]))));
    return [ops.linear(h, c.param('wo', [d, d], ${OUT_INIT})), z];
  },
});`;
  return {
    text,
    helpers: [],
    tag: 'token-shift',
    summary:
      'a token-shift mixer: learned per-channel mixes with the previous one and two tokens, combined by a sigmoid gate (RWKV-style time mixing without a state)',
  };
}

export const RECURRENCE_VARIANTS: readonly Variant[] = [
  { id: 'linear-attention', family: 'recurrence', role: 'mixer', render: linearAttention },
  { id: 'gated-conv', family: 'conv', role: 'mixer', render: gatedConv },
  { id: 'token-shift', family: 'shift', role: 'mixer', render: tokenShift },
];
