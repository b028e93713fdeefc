// Block layouts: root units composing the parent's own mixers, MLP and norm in another
// arrangement (pre-norm sequential, parallel branches, sandwich norms, learned residual gains).
// A layout without a norm unit to call brings its own RMSNorm helper.
import type { RenderInput, Rendered, Variant } from './types';

const NORM_HELPER = 'BlockNorm';

function normHelper(ctx: string): string {
  return `const ${NORM_HELPER} = unit({
  name: '${NORM_HELPER}',
  children: [],
  forward(c: ${ctx}, x, z) {
    const w = x.shape[x.rank - 1]!;
    return [ops.rmsNorm(x, c.param('weight', [w], 'ones'), 1e-5), z];
  },
});`;
}

interface Parts {
  branches: string[];
  norm: string;
  helpers: string[];
}

function partsOf(p: RenderInput): Parts {
  const parts = p.parts;
  if (parts === undefined || parts.mixers.length === 0) {
    throw new Error('a layout needs the block parts: at least one mixer');
  }
  const branches = [...parts.mixers, ...(parts.mlp === undefined ? [] : [parts.mlp])];
  return parts.norm === undefined
    ? { branches, norm: NORM_HELPER, helpers: [normHelper(p.ctx)] }
    : { branches, norm: parts.norm, helpers: [] };
}

function unitText(p: RenderInput, children: readonly string[], body: string): string {
  return `const ${p.name} = unit({
  name: '${p.name}',
  children: [${children.join(', ')}],
  forward(c: ${p.ctx}, x, z) {
${body}
  },
});`;
}

/** x + B_i(N(x)) for each branch in turn, optionally N_post after each branch, or a gain. */
function sequential(p: RenderInput, post: 'none' | 'sandwich' | 'gain'): Rendered {
  const { branches, norm, helpers } = partsOf(p);
  const lines: string[] = ['    let h = x;', '    let zz = z;'];
  branches.forEach((b, i) => {
    lines.push(`    const [n${i}, za${i}] = c.call(${norm}, h, zz, 'pre${i}');`);
    lines.push(`    const [o${i}, zb${i}] = c.call(${b}, n${i}, za${i});`);
    if (post === 'sandwich') {
      lines.push(`    const [p${i}, zc${i}] = c.call(${norm}, o${i}, zb${i}, 'post${i}');`);
      lines.push(`    h = ops.add(h, p${i});`, `    zz = zc${i};`);
    } else if (post === 'gain') {
      lines.push(
        `    h = ops.add(h, ops.mul(o${i}, c.param('gain${i}', [c.d], { constant: 0.1 })));`,
      );
      lines.push(`    zz = zb${i};`);
    } else {
      lines.push(`    h = ops.add(h, o${i});`, `    zz = zb${i};`);
    }
  });
  lines.push('    return [h, zz];');
  const what = {
    none: 'a pre-norm sequential block (x + branch(norm(x)) for each branch in turn)',
    sandwich:
      'sandwich normalisation: each branch is normed on the way in and on the way out, which bounds what each branch adds to the residual stream',
    gain: 'LayerScale-style residual gains: each branch output is scaled by a learned per-channel gain started at 0.1, so the block starts near the identity',
  }[post];
  return {
    text: unitText(p, [norm, ...new Set(branches)], lines.join('\n')),
    helpers,
    tag: `layout-${post === 'none' ? 'prenorm' : post}`,
    summary: `${what}, over ${branches.join(', ')}`,
  };
}

function parallel(p: RenderInput): Rendered {
  const { branches, norm, helpers } = partsOf(p);
  const lines = [
    `    const [n, z0] = c.call(${norm}, x, z, 'pre');`,
    '    let h = x;',
    '    let zz = z0;',
  ];
  branches.forEach((b, i) => {
    lines.push(`    const [o${i}, z${i + 1}] = c.call(${b}, n, zz);`);
    lines.push(`    h = ops.add(h, o${i});`, `    zz = z${i + 1};`);
  });
  lines.push('    return [h, zz];');
  return {
    text: unitText(p, [norm, ...new Set(branches)], lines.join('\n')),
    helpers,
    tag: 'layout-parallel',
    summary: `a parallel block (GPT-J / PaLM): ${branches.join(', ')} all read the same normed input and their outputs are summed into the residual stream, which shortens the critical path`,
  };
}

export const LAYOUT_VARIANTS: readonly Variant[] = [
  { id: 'prenorm', family: 'layout', role: 'layout', render: (p) => sequential(p, 'none') },
  { id: 'sandwich', family: 'layout', role: 'layout', render: (p) => sequential(p, 'sandwich') },
  { id: 'layerscale', family: 'layout', role: 'layout', render: (p) => sequential(p, 'gain') },
  { id: 'parallel', family: 'layout', role: 'layout', render: parallel },
];
