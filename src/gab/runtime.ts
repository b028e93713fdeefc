// Runs a block: the Ctx given to units, scoped parameter declaration and the parameter store.
import * as tf from '@tensorflow/tfjs-core';
import type { Block, Ctx, HParams, Init, Tensor, Unit, Z } from './contract';
import { GabError } from './errors';
import { initValues } from './init';

let storeCount = 0;

/** Where a run's parameters live: path -> variable, created on first declaration. */
export class ParamStore {
  readonly vars = new Map<string, tf.Variable>();
  private readonly shapes = new Map<string, string>();

  /** tfjs registers variables by name in one global registry: prefix ours per store. */
  private readonly prefix = `store${String(++storeCount)}`;

  constructor(readonly seed: number) {}

  get(path: string, shape: readonly number[], init: Init): tf.Variable {
    const key = JSON.stringify(shape);
    const have = this.vars.get(path);
    if (have) {
      if (this.shapes.get(path) !== key) {
        throw new GabError(
          `parameter ${path} declared with shape ${key}, but it was ${this.shapes.get(path) ?? '?'} before`,
        );
      }
      return have;
    }
    if (shape.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new GabError(`parameter ${path}: shape ${key} must hold positive integers`);
    }
    const values = initValues(init, shape, this.seed, path);
    const v = tf.tidy(() =>
      tf.variable(tf.tensor(values, [...shape]), true, `${this.prefix}/${path}`),
    );
    this.vars.set(path, v);
    this.shapes.set(path, key);
    return v;
  }

  /** Total number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const v of this.vars.values()) {
      n += v.size;
    }
    return n;
  }

  dispose(): void {
    for (const v of this.vars.values()) {
      v.dispose();
    }
    this.vars.clear();
    this.shapes.clear();
  }
}

/** What the ladder fixes for a block: width, depth and the (possibly tuned) hyperparameters. */
export interface BlockConfig {
  readonly d: number;
  readonly nBlocks: number;
  readonly hp: HParams;
}

class UnitCtx<H extends HParams> implements Ctx<H> {
  private readonly calls = new Map<string, number>();

  constructor(
    private readonly store: ParamStore,
    private readonly cfg: BlockConfig,
    readonly layer: number,
    private readonly scope: string,
    private readonly unit: Unit<H>,
  ) {}

  get d(): number {
    return this.cfg.d;
  }
  get nBlocks(): number {
    return this.cfg.nBlocks;
  }
  get hp(): H {
    return this.cfg.hp as H;
  }

  param(name: string, shape: readonly number[], init: Init = 'normal'): Tensor {
    if (typeof name !== 'string' || name === '' || name.includes('/')) {
      throw new GabError(
        `unit ${this.unit.name}: parameter name ${JSON.stringify(name)} must be a non-empty string without '/'`,
      );
    }
    return this.store.get(`${this.scope}/${name}`, shape, init);
  }

  call(child: Unit<H>, x: Tensor, z: Z, name?: string): [Tensor, Z] {
    if (!this.unit.children.includes(child)) {
      const childName = (child as Partial<Unit<H>> | undefined)?.name ?? typeof child;
      throw new GabError(
        `unit ${this.unit.name} calls ${childName}, which is not in its children: add it to \`children\``,
      );
    }
    const base = name ?? child.name;
    const n = this.calls.get(base) ?? 0;
    this.calls.set(base, n + 1);
    const label = n === 0 ? base : `${base}#${n}`;
    const ctx = new UnitCtx(this.store, this.cfg, this.layer, `${this.scope}/${label}`, child);
    return checkOutput(child.name, child.forward(ctx, x, z));
  }

  static root<H extends HParams>(
    store: ParamStore,
    cfg: BlockConfig,
    layer: number,
    root: Unit<H>,
  ): UnitCtx<H> {
    return new UnitCtx(store, cfg, layer, `blocks.${layer}/${root.name}`, root);
  }
}

function checkOutput(unitName: string, out: unknown): [tf.Tensor, Z] {
  const [y, z] = Array.isArray(out) && out.length === 2 ? (out as unknown[]) : [];
  if (!(y instanceof tf.Tensor)) {
    throw new GabError(`unit ${unitName}: forward must return [Y, Z] with Y a tensor`);
  }
  if (typeof z !== 'object' || z === null) {
    throw new GabError(`unit ${unitName}: forward must return [Y, Z] with Z a record of tensors`);
  }
  return [y as tf.Tensor, z as Z];
}

/** One block of the stack: X [B, L, D] and Z to [Y [B, L, D], Z']. Declares parameters on first run. */
export function runBlock(
  block: Block,
  cfg: BlockConfig,
  store: ParamStore,
  layer: number,
  x: tf.Tensor,
  z: Z,
): [tf.Tensor, Z] {
  const ctx = UnitCtx.root(store, cfg, layer, block.root);
  return checkOutput(block.root.name, block.root.forward(ctx, x, z));
}

/** The hyperparameters a block runs with: its defaults, overridden by `overrides` (same keys and types). */
export function resolveHParams(
  block: Block,
  overrides: Readonly<Record<string, unknown>> = {},
): HParams {
  const out: Record<string, number | boolean | string> = { ...block.hparams };
  for (const [key, value] of Object.entries(overrides)) {
    const def = block.hparams[key] as number | boolean | string | undefined;
    if (def === undefined) {
      throw new GabError(
        `unknown hyperparameter ${key}: the design declares ${Object.keys(block.hparams).join(', ') || 'none'}`,
      );
    }
    if (typeof value !== typeof def) {
      throw new GabError(
        `hyperparameter ${key} must be a ${typeof def}, got ${JSON.stringify(value)}`,
      );
    }
    out[key] = value as number | boolean | string;
  }
  return out;
}
