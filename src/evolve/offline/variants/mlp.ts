// Channel-mixing MLP variants: gated (SwiGLU, GeGLU, sigmoid GLU), plain (GELU, squared ReLU)
// and a token-shift MLP. Hidden widths keep about 8 d^2 parameters, as the seeds' MLPs, so the
// block stays near the rung's reference size. All map [B, L, D] to [B, L, D].
import { OUT_INIT, pick, type RenderInput, type Rendered, type Variant } from './types';

/** A hidden-width ratio scaled by the render's `scale`, as a short literal. */
function ratio(base: number, p: RenderInput): number {
  return Number((base * (p.scale ?? 1)).toFixed(4));
}

const GATES = [
  { tag: 'swiglu', act: 'ops.silu', what: 'SwiGLU (SiLU gate)' },
  { tag: 'geglu', act: 'ops.gelu', what: 'GeGLU (GELU gate)' },
  { tag: 'glu', act: 'ops.sigmoid', what: 'the original sigmoid GLU' },
];

function gated(p: RenderInput): Rendered {
  const g = pick(p.rng, GATES);
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const d = c.d;
    const hidden = Math.max(8, Math.round((${ratio(8 / 3, p)} * d) / 8) * 8);
    const [gate, up] = ops.split(ops.linear(x, c.param('wGateUp', [d, 2 * hidden])), 2, -1); // [B, L, F]
    const wDown = c.param('wDown', [hidden, d], ${OUT_INIT});
    return [ops.linear(ops.mul(${g.act}(gate), up), wDown), z];
  },
});`;
  return {
    text,
    helpers: [],
    tag: g.tag,
    summary: `a gated MLP, ${g.what}, hidden width 8/3 d: multiplicative gating sharpens the channel mixing at the same parameter count as a 4 d plain MLP`,
  };
}

const PLAIN = [
  { tag: 'gelu', act: (h: string) => `ops.gelu(${h})`, what: 'GELU' },
  { tag: 'relu2', act: (h: string) => `ops.square(ops.relu(${h}))`, what: 'squared ReLU (Primer)' },
];

function plain(p: RenderInput): Rendered {
  const a = pick(p.rng, PLAIN);
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const d = c.d;
    const f = Math.max(8, Math.round((${ratio(4, p)} * d) / 8) * 8);
    const h = ${a.act(`ops.linear(x, c.param('w1', [d, f]), c.param('b1', [f], 'zeros'))`)}; // [B, L, F]
    return [ops.linear(h, c.param('w2', [f, d], ${OUT_INIT}), c.param('b2', [d], 'zeros')), z];
  },
});`;
  return {
    text,
    helpers: [],
    tag: a.tag,
    summary: `a plain two-layer MLP with ${a.what} activation and hidden width 4 d: no gate, so a simpler baseline channel mixer`,
  };
}

function shiftMlp(p: RenderInput): Rendered {
  const text = `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const d = c.d;
    const f = Math.max(8, Math.round((${ratio(3.5, p)} * d) / 8) * 8);
    const xx = ops.sub(ops.shift(x), x); // [B, L, D]
    const xk = ops.add(x, ops.mul(xx, c.param('muK', [d], { linspace: [0, 1] })));
    const xr = ops.add(x, ops.mul(xx, c.param('muR', [d], { linspace: [0, 1] })));
    const k = ops.square(ops.relu(ops.linear(xk, c.param('wk', [d, f])))); // [B, L, F]
    const gate = ops.sigmoid(ops.linear(xr, c.param('wr', [d, d])));
    return [ops.mul(gate, ops.linear(k, c.param('wv', [f, d], ${OUT_INIT}))), z];
  },
});`;
  return {
    text,
    helpers: [],
    tag: 'shift-mlp',
    summary:
      "RWKV's channel mix: token-shifted inputs, a squared-ReLU hidden layer and a sigmoid receptance gate, so the MLP also sees the previous token",
  };
}

export const MLP_VARIANTS: readonly Variant[] = [
  { id: 'gated-mlp', family: 'gate', role: 'mlp', render: gated },
  { id: 'plain-mlp', family: 'gate', role: 'mlp', render: plain },
  { id: 'shift-mlp', family: 'shift', role: 'mlp', render: shiftMlp },
];
