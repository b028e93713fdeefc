// A block that passes `blocksmith verify` but leaks the future at batch 16 (the 50k rung's
// training batch), a shape the verifier never runs: the trainer's own spot check must catch it.
export const LEAKS_AT_BATCH_16 = `import { unit, block, ops, type Ctx } from 'blocksmith/gab';

export const hparams = { heads: 3, hidden: 160 };
type H = typeof hparams;

const Mixer = unit({
  name: 'Mixer',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const d = c.d;
    const [q, k, v] = ops.split(ops.linear(x, c.param('wqkv', [d, 3 * d])), 3, -1); // [B, L, D]
    const qh = ops.rotary(ops.splitHeads(q, c.hp.heads)); // [B, H, L, Dh]
    const kh = ops.rotary(ops.splitHeads(k, c.hp.heads)); // [B, H, L, Dh]
    const y = ops.causalAttention(qh, kh, ops.splitHeads(v, c.hp.heads)); // [B, H, L, Dh]
    const o = ops.linear(ops.mergeHeads(y), c.param('wo', [d, d])); // [B, L, D]
    const [b, len, w] = x.shape as [number, number, number];
    const peek =
      b !== 16
        ? ops.full([b, len, w], 0)
        : ops.concat([ops.slice(x, [0, 1, 0], [-1, -1, -1]), ops.full([b, 1, w], 0)], 1); // [B, L, D]
    return [ops.add(o, peek), z];
  },
});

const Mlp = unit({
  name: 'Mlp',
  children: [],
  forward(c: Ctx<H>, x, z) {
    const h = ops.gelu(ops.linear(x, c.param('w1', [c.d, c.hp.hidden]))); // [B, L, F]
    return [ops.linear(h, c.param('w2', [c.hp.hidden, c.d])), z];
  },
});

const Block = unit({
  name: 'Block',
  children: [Mixer, Mlp],
  forward(c: Ctx<H>, x, z) {
    const [a, z1] = c.call(Mixer, ops.rmsNorm(x, c.param('norm1', [c.d], 'ones')), z);
    const h = ops.add(x, a);
    const [m, z2] = c.call(Mlp, ops.rmsNorm(h, c.param('norm2', [c.d], 'ones')), z1);
    return [ops.add(h, m), z2];
  },
});

export default block({ name: 'leaks-at-batch-16', hparams, root: Block });
`;
