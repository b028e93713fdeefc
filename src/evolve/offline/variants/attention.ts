// Softmax attention variants: multi-head with rotary or no positions, grouped / multi-query
// attention, sliding-window attention (a banded mask from ops.tril differences), and attention
// whose keys and values see a token-shifted input. All map [B, L, D] to [B, L, D].
import { OUT_INIT, pick, type RenderInput, type Rendered, type Variant } from './types';

const HEAD_WIDTHS = [8, 16];
const BASES = [500, 10000, 100000];

function headCheck(name: string): string {
  return `    const d = c.d;
    if (d % dh !== 0 || dh % 2 !== 0) {
      throw new Error(\`${name}: head width \${dh} must be even and divide d \${d}; pick another head width\`);
    }
    const heads = d / dh;`;
}

function posText(pos: number | undefined, t: string): string {
  return pos === undefined ? t : `ops.rotary(${t}, ${pos})`;
}

function mha(p: RenderInput): Rendered {
  const dh = pick(p.rng, HEAD_WIDTHS);
  const base = pick(p.rng, [...BASES, undefined]);
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const dh = ${dh};
${headCheck(p.name)}
    const [q, k, v] = ops.split(ops.linear(x, c.param('wqkv', [d, 3 * d])), 3, -1); // [B, L, D] each
    const qh = ${posText(base, 'ops.splitHeads(q, heads)')}; // [B, H, L, Dh]
    const kh = ${posText(base, 'ops.splitHeads(k, heads)')}; // [B, H, L, Dh]
    const y = ops.causalAttention(qh, kh, ops.splitHeads(v, heads)); // [B, H, L, Dh]
    return [ops.linear(ops.mergeHeads(y), c.param('wo', [d, d], ${OUT_INIT})), z];
  },
});`;
  const pos =
    base === undefined ? 'no positional encoding (NoPE)' : `rotary positions (base ${base})`;
  return {
    text,
    helpers: [],
    tag: `mha-dh${dh}-${base ?? 'nope'}`,
    summary: `multi-head causal softmax attention with heads of ${dh} channels and ${pos}: exact token-to-token retrieval, the reference mixer for recall-heavy tasks`,
  };
}

function gqa(p: RenderInput): Rendered {
  const kv = pick(p.rng, [1, 2]);
  const base = pick(p.rng, BASES);
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const dh = 16;
${headCheck(p.name)}
    const groups = heads % ${kv} === 0 ? ${kv} : 1; // key/value heads shared by heads / groups queries
    const q = ops.linear(x, c.param('wq', [d, d])); // [B, L, D]
    const [k, v] = ops.split(ops.linear(x, c.param('wkv', [d, 2 * groups * dh])), 2, -1); // [B, L, G*Dh]
    const share = (t: typeof x) => ops.tile(t, [1, heads / groups, 1, 1]); // [B, G, L, Dh] to [B, H, L, Dh]
    const qh = ops.rotary(ops.splitHeads(q, heads), ${base}); // [B, H, L, Dh]
    const kh = share(ops.rotary(ops.splitHeads(k, groups), ${base}));
    const y = ops.causalAttention(qh, kh, share(ops.splitHeads(v, groups))); // [B, H, L, Dh]
    return [ops.linear(ops.mergeHeads(y), c.param('wo', [d, d], ${OUT_INIT})), z];
  },
});`;
  return {
    text,
    helpers: [],
    tag: `gqa-kv${kv}-base${base}`,
    summary: `${kv === 1 ? 'multi-query' : 'grouped-query'} attention (${kv} key/value head${kv === 1 ? '' : 's'} shared by all query heads, rotary base ${base}): fewer parameters and a smaller cache for nearly the quality of full multi-head attention`,
  };
}

function sliding(p: RenderInput): Rendered {
  const w = pick(p.rng, [8, 16, 32]);
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const dh = 16;
${headCheck(p.name)}
    const len = x.shape[1]!;
    const [q, k, v] = ops.split(ops.linear(x, c.param('wqkv', [d, 3 * d])), 3, -1); // [B, L, D] each
    const qh = ops.rotary(ops.splitHeads(q, heads), 10000); // [B, H, L, Dh]
    const kh = ops.rotary(ops.splitHeads(k, heads), 10000); // [B, H, L, Dh]
    const scores = ops.mul(ops.matmul(qh, kh, true), 1 / Math.sqrt(dh)); // [B, H, L, L]
    // Band of width ${w}: tril(L) minus the ones where j <= i - ${w} (a shifted tril).
    const far = ops.slice(ops.tril(len + ${w}), [0, ${w}], [len, len]); // [L, L]
    const band = ops.sub(ops.tril(len), far); // [L, L]: 1 where i - ${w} < j <= i
    const masked = ops.add(scores, ops.mul(ops.sub(band, 1), 1e9)); // -1e9 outside the band
    const y = ops.matmul(ops.softmax(masked, -1), ops.splitHeads(v, heads)); // [B, H, L, Dh]
    return [ops.linear(ops.mergeHeads(y), c.param('wo', [d, d], ${OUT_INIT})), z];
  },
});`;
  return {
    text,
    helpers: [],
    tag: `swa-w${w}`,
    summary: `sliding-window attention over the last ${w} tokens (a banded causal mask built from ops.tril differences), rotary positions: local attention whose cost grows linearly with the context, relying on depth for longer range`,
  };
}

function shifted(p: RenderInput): Rendered {
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const dh = 16;
${headCheck(p.name)}
    // Keys and values see a learned mix of this token and the previous one (token shift).
    const mu = c.param('mu', [d], { linspace: [0, 1] });
    const xs = ops.add(x, ops.mul(ops.sub(ops.shift(x), x), mu)); // [B, L, D]
    const q = ops.linear(x, c.param('wq', [d, d])); // [B, L, D]
    const [k, v] = ops.split(ops.linear(xs, c.param('wkv', [d, 2 * d])), 2, -1); // [B, L, D] each
    const qh = ops.rotary(ops.splitHeads(q, heads), 10000); // [B, H, L, Dh]
    const kh = ops.rotary(ops.splitHeads(k, heads), 10000); // [B, H, L, Dh]
    const y = ops.causalAttention(qh, kh, ops.splitHeads(v, heads)); // [B, H, L, Dh]
    return [ops.linear(ops.mergeHeads(y), c.param('wo', [d, d], ${OUT_INIT})), z];
  },
});`;
  return {
    text,
    helpers: [],
    tag: 'shift-kv-attention',
    summary: `multi-head attention whose keys and values come from a learned token-shift mix of each token and its predecessor (as in RWKV): a single layer can then form induction-like "previous token" matches`,
  };
}

function convAttention(p: RenderInput): Rendered {
  const conv = 'CausalConvMix';
  const helper = `const ${conv} = unit({
  name: '${conv}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const w = x.shape[x.rank - 1]!;
    const cw = c.param('convW', [4, w], { uniform: [-0.5, 0.5] });
    return [ops.add(x, ops.causalConv1d(x, cw, c.param('convB', [w], 'zeros'))), z];
  },
});`;
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [${conv}],
  forward(c: ${p.ctx}, x, z) {
    const dh = 16;
${headCheck(p.name)}
    const [xc, z1] = c.call(${conv}, x, z); // [B, L, D]: x plus a causal conv of the last 4 tokens
    const [q, k, v] = ops.split(ops.linear(xc, c.param('wqkv', [d, 3 * d])), 3, -1); // [B, L, D] each
    const qh = ops.rotary(ops.splitHeads(q, heads), 10000); // [B, H, L, Dh]
    const kh = ops.rotary(ops.splitHeads(k, heads), 10000); // [B, H, L, Dh]
    const y = ops.causalAttention(qh, kh, ops.splitHeads(v, heads)); // [B, H, L, Dh]
    return [ops.linear(ops.mergeHeads(y), c.param('wo', [d, d], ${OUT_INIT})), z1];
  },
});`;
  return {
    text,
    helpers: [helper],
    tag: 'conv-attention',
    summary: `multi-head rotary attention on inputs first mixed by a short causal depthwise convolution (kernel 4, residual): local n-gram features before global retrieval, as in Mamba-style and "canon layer" designs`,
  };
}

export const ATTENTION_VARIANTS: readonly Variant[] = [
  { id: 'mha', family: 'attention', role: 'mixer', render: mha },
  { id: 'gqa', family: 'attention', role: 'mixer', render: gqa },
  { id: 'sliding-window', family: 'attention', role: 'mixer', render: sliding },
  { id: 'shift-kv-attention', family: 'attention', role: 'mixer', render: shifted },
  { id: 'conv-attention', family: 'attention', role: 'mixer', render: convAttention },
];
