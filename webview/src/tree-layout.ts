// Layered layout of the evolution tree: layer = generation (depth from the seeds: 1 + the deepest
// parent), order within a layer by the mean position of the parents (one barycentre pass, top
// down), ties by creation time. O(n log n) for n designs and their edges; no DOM here.
import type { DesignNode } from '../../src/shared/dashboard-protocol';

/** Distances between nodes, in layout units (the view scales them). */
export const LAYER_GAP = 60;
export const NODE_GAP = 24;

export interface TreeLayout {
  readonly nodes: readonly DesignNode[];
  readonly index: ReadonlyMap<string, number>;
  /** Centre of node i: (xs[i], ys[i]). */
  readonly xs: Float32Array;
  readonly ys: Float32Array;
  readonly depth: Int32Array;
  /** Edges as pairs [parent, child, parent, child, ...] of node indices. */
  readonly edges: Int32Array;
  /** Bounding box of the centres. */
  readonly minX: number;
  readonly maxX: number;
  readonly maxY: number;
  /** Fitness range of the designs that have one (for sizing). */
  readonly fitMin: number;
  readonly fitMax: number;
}

/** Depth of each node; parents not in the list count as absent, a cycle is cut where found. */
function depths(nodes: readonly DesignNode[], index: ReadonlyMap<string, number>): Int32Array {
  const depth = new Int32Array(nodes.length).fill(-1);
  const onStack = new Uint8Array(nodes.length);
  for (let root = 0; root < nodes.length; root++) {
    if (depth[root] >= 0) {
      continue;
    }
    // Iterative DFS: a 1,000-generation chain must not overflow the call stack.
    const stack: number[] = [root];
    while (stack.length > 0) {
      const i = stack[stack.length - 1];
      onStack[i] = 1;
      let pending = false;
      let d = 0;
      for (const p of nodes[i].parents) {
        const j = index.get(p);
        if (j === undefined || onStack[j] === 1) {
          continue;
        }
        if (depth[j] < 0) {
          stack.push(j);
          pending = true;
        } else {
          d = Math.max(d, depth[j] + 1);
        }
      }
      if (!pending) {
        depth[i] = d;
        onStack[i] = 0;
        stack.pop();
      }
    }
  }
  return depth;
}

function edgesOf(nodes: readonly DesignNode[], index: ReadonlyMap<string, number>): Int32Array {
  const out: number[] = [];
  nodes.forEach((n, i) => {
    for (const p of n.parents) {
      const j = index.get(p);
      if (j !== undefined && j !== i) {
        out.push(j, i);
      }
    }
  });
  return Int32Array.from(out);
}

/** Places each layer's nodes left to right, centred on x = 0. */
function placeLayers(
  nodes: readonly DesignNode[],
  index: ReadonlyMap<string, number>,
  depth: Int32Array,
  xs: Float32Array,
  ys: Float32Array,
): void {
  const layers: (number[] | undefined)[] = [];
  depth.forEach((d, i) => {
    (layers[d] ??= []).push(i);
  });
  const key = new Float64Array(nodes.length);
  const created = nodes.map((n) => Date.parse(n.createdAt) || 0);
  for (const [d, layer] of layers.entries()) {
    if (layer === undefined) {
      continue;
    }
    for (const i of layer) {
      let sum = 0;
      let k = 0;
      for (const p of nodes[i].parents) {
        const j = index.get(p);
        if (j !== undefined && depth[j] < d) {
          sum += xs[j];
          k++;
        }
      }
      key[i] = k > 0 ? sum / k : 0;
    }
    layer.sort((a, b) => key[a] - key[b] || created[a] - created[b] || a - b);
    const half = ((layer.length - 1) * NODE_GAP) / 2;
    layer.forEach((i, r) => {
      xs[i] = r * NODE_GAP - half;
      ys[i] = d * LAYER_GAP;
    });
  }
}

export function layoutTree(nodes: readonly DesignNode[]): TreeLayout {
  const index = new Map<string, number>();
  nodes.forEach((n, i) => index.set(n.id, i));
  const depth = depths(nodes, index);
  const xs = new Float32Array(nodes.length);
  const ys = new Float32Array(nodes.length);
  placeLayers(nodes, index, depth, xs, ys);
  let minX = 0;
  let maxX = 0;
  let maxY = 0;
  let fitMin = Infinity;
  let fitMax = -Infinity;
  nodes.forEach((n, i) => {
    minX = Math.min(minX, xs[i]);
    maxX = Math.max(maxX, xs[i]);
    maxY = Math.max(maxY, ys[i]);
    if (n.fitness !== undefined && Number.isFinite(n.fitness)) {
      fitMin = Math.min(fitMin, n.fitness);
      fitMax = Math.max(fitMax, n.fitness);
    }
  });
  const edges = edgesOf(nodes, index);
  return { nodes, index, xs, ys, depth, edges, minX, maxX, maxY, fitMin, fitMax };
}

/** The node whose centre is nearest (x, y) within `radius` layout units, or -1. */
export function hitTest(t: TreeLayout, x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < t.nodes.length; i++) {
    const dx = t.xs[i] - x;
    const dy = t.ys[i] - y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  }
  return best;
}
