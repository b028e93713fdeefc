// Normalisation variants. Each works on any width (the last axis of x), since a norm unit may be
// called on the model width and on inner widths (Mamba2's gated norm). [B, L, W] to [B, L, W].
import { pick, type RenderInput, type Rendered, type Variant } from './types';

function head(p: RenderInput): string {
  return `const ${p.name} = unit({
  name: '${p.name}',
  children: [],
  forward(c: ${p.ctx}, x, z) {
    const w = x.shape[x.rank - 1]!;`;
}
const TAIL = `
  },
});`;

function rms(p: RenderInput): Rendered {
  const eps = pick(p.rng, ['1e-5', '1e-6']);
  return {
    text: `${head(p)}
    return [ops.rmsNorm(x, c.param('weight', [w], 'ones'), ${eps}), z];${TAIL}`,
    helpers: [],
    tag: 'rmsnorm',
    summary:
      'RMSNorm (scale only, no centring): cheaper than LayerNorm and as stable in pre-norm blocks',
  };
}

function layer(p: RenderInput): Rendered {
  return {
    text: `${head(p)}
    const weight = c.param('weight', [w], 'ones');
    return [ops.layerNorm(x, weight, c.param('bias', [w], 'zeros'), 1e-5), z];${TAIL}`,
    helpers: [],
    tag: 'layernorm',
    summary: 'LayerNorm with a learned scale and bias: centres each token as well as rescaling it',
  };
}

function dyt(p: RenderInput): Rendered {
  return {
    text: `${head(p)}
    // Dynamic tanh: tanh(alpha x) * weight + bias, a normalisation-free squashing of outliers.
    const alpha = c.param('alpha', [1], { constant: 0.5 });
    const y = ops.tanh(ops.mul(x, alpha)); // [B, L, W]
    return [ops.add(ops.mul(y, c.param('weight', [w], 'ones')), c.param('bias', [w], 'zeros')), z];${TAIL}`,
    helpers: [],
    tag: 'dyt',
    summary:
      'no normalisation: Dynamic Tanh (tanh(alpha x) with a learned alpha, scale and bias), which bounds activations without computing statistics',
  };
}

function scaled(p: RenderInput): Rendered {
  return {
    text: `${head(p)}
    // No statistics: a learned per-channel gain, started small so the residual stream dominates.
    return [ops.mul(x, c.param('gain', [w], { constant: 0.5 })), z];${TAIL}`,
    helpers: [],
    tag: 'scaled-identity',
    summary:
      'no normalisation: the branch input is only scaled by a learned per-channel gain started at 0.5 (a scaled residual), testing whether the block needs normalisation at this scale',
  };
}

function scaleNorm(p: RenderInput): Rendered {
  return {
    text: `${head(p)}
    const ms = ops.mean(ops.square(x), -1, true); // [B, L, 1]
    const g = c.param('g', [1], { constant: Math.sqrt(w) });
    return [ops.mul(ops.mul(x, ops.rsqrt(ops.add(ms, 1e-5))), ops.div(g, Math.sqrt(w))), z];${TAIL}`,
    helpers: [],
    tag: 'scalenorm',
    summary:
      'ScaleNorm: unit-RMS normalisation with a single learned scalar gain instead of a per-channel weight',
  };
}

export const NORM_VARIANTS: readonly Variant[] = [
  { id: 'rmsnorm', family: 'norm', role: 'norm', render: rms },
  { id: 'layernorm', family: 'norm', role: 'norm', render: layer },
  { id: 'dyt', family: 'norm', role: 'norm', render: dyt },
  { id: 'scaled-identity', family: 'norm', role: 'norm', render: scaled },
  { id: 'scalenorm', family: 'norm', role: 'norm', render: scaleNorm },
];
