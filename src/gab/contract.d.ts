/**
 * The Generalized Autoregressive Block (GAB) contract: the only module a block file may import,
 * as `import { unit, block, ops, type Ctx, type Tensor, type Z } from 'blocksmith/gab';`.
 *
 * A block maps X [B, L, D] and Z (a record of named tensors handed from block to block) to
 * Y [B, L, D] and an updated Z. It must be causal (Y[:, t] depends on X[:, 0..t] only),
 * batch-independent (Y[b] depends on X[b] only) and differentiable (every parameter gets a
 * gradient). All tensor work goes through `ops`; parameters are declared with `c.param`.
 * Control flow may depend on shapes and hyperparameters only, never on tensor values.
 *
 * A block file looks like:
 *
 *   export const hparams = { nHeads: 4 };          // the design's own hyperparameters
 *   type H = typeof hparams;
 *   const Norm = unit({ name: 'Norm', children: [], forward(c: Ctx<H>, x, z) {
 *     return [ops.rmsNorm(x, c.param('weight', [c.d], 'ones')), z];
 *   } });
 *   const Block = unit({ name: 'Block', children: [Norm], forward(c: Ctx<H>, x, z) {
 *     const [h, z1] = c.call(Norm, x, z);
 *     return [ops.add(x, h), z1];
 *   } });
 *   export default block({ name: 'my-design', hparams, root: Block });
 *
 * Shapes below: B batch, L sequence length, D model width, H heads, Dh/Dk/Dv head widths.
 */

/** An opaque tensor handle (float32). Only its shape can be read: values never reach block code. */
export interface Tensor {
  readonly shape: number[];
  readonly rank: number;
}

/** Named tensors passed from block to block (positions, caches, anything a design hands on). */
export type Z = Readonly<Record<string, Tensor>>;

/** Hyperparameters: a flat record of numbers, booleans and strings, with defaults. */
export type HParams = Readonly<Record<string, number | boolean | string>>;

/**
 * How a parameter is initialised (deterministic from the run's seed and the parameter's path).
 * - 'zeros' | 'ones'
 * - 'normal': N(0, 0.02)
 * - 'xavier': N(0, 1/fanIn) with fanIn = shape[0] (for [in, out] weight matrices)
 * - { normal: std } | { uniform: [lo, hi] } | { constant: value }
 * - { linspace: [start, end] }: evenly spaced values along the last axis (per-channel ramps)
 */
export type Init =
  | 'zeros'
  | 'ones'
  | 'normal'
  | 'xavier'
  | { readonly normal: number }
  | { readonly uniform: readonly [number, number] }
  | { readonly constant: number }
  | { readonly linspace: readonly [number, number] };

/** What a unit sees when it runs. */
export interface Ctx<H extends HParams = HParams> {
  /** The model width D, set by the ladder rung. */
  readonly d: number;
  /** The number of blocks in the model, set by the ladder rung. */
  readonly nBlocks: number;
  /** This block's index in the stack, from 0. */
  readonly layer: number;
  /** The design's hyperparameters (its exported `hparams`, possibly tuned by the ladder). */
  readonly hp: H;
  /**
   * Declares a parameter of this unit on first use and returns it (the same one on every call).
   * `name` is unique within the unit; `shape` must not change between calls. Default init 'normal'.
   */
  param(name: string, shape: readonly number[], init?: Init): Tensor;
  /**
   * Runs a child unit (it must be listed in this unit's `children`) and returns its [Y, Z].
   * Calling the same child twice gives each call its own parameters; pass `name` to label them.
   */
  call(child: Unit<H>, x: Tensor, z: Z, name?: string): [Tensor, Z];
}

/** A unit: one named, mutable piece of a design. It declares the units it calls. */
export interface UnitSpec<H extends HParams = HParams> {
  /** Must equal the name of the `const` the unit is assigned to. */
  readonly name: string;
  /** Every unit this unit calls through `c.call`, and no other. */
  readonly children: readonly Unit<H>[];
  /** X [B, L, D_in] and Z to [Y, Z']. The root unit keeps D_in = D_out = D. */
  forward(c: Ctx<H>, x: Tensor, z: Z): [Tensor, Z];
}

export interface Unit<H extends HParams = HParams> extends UnitSpec<H> {
  readonly kind: 'unit';
}

/** Declares a unit. Assign it to a top-level `const` with the same name. */
export declare function unit<H extends HParams>(spec: UnitSpec<H>): Unit<H>;

export interface BlockSpec<H extends HParams> {
  /** A short kebab-case name of the design. */
  readonly name: string;
  /** The exported `hparams` object. */
  readonly hparams: H;
  /** The unit that maps X [B, L, D] to Y [B, L, D]. */
  readonly root: Unit<H>;
}

export interface Block<H extends HParams = HParams> extends BlockSpec<H> {
  readonly kind: 'block';
}

/** Declares the block: `export default block({ name, hparams, root })`. */
export declare function block<H extends HParams>(spec: BlockSpec<H>): Block<H>;

/** A second operand: a tensor (broadcast NumPy-style) or a plain number. */
export type Operand = Tensor | number;

/** The curated ops. Each has a gradient and a fast path on every backend. */
export interface Ops {
  // ---- elementwise, broadcasting like NumPy ----
  /** a + b. */
  add(a: Tensor, b: Operand): Tensor;
  /** a - b. */
  sub(a: Tensor, b: Operand): Tensor;
  /** a * b. */
  mul(a: Tensor, b: Operand): Tensor;
  /** a / b. */
  div(a: Tensor, b: Operand): Tensor;
  /** Elementwise max(a, b). */
  maximum(a: Tensor, b: Operand): Tensor;
  /** Elementwise min(a, b). */
  minimum(a: Tensor, b: Operand): Tensor;
  /** -x. */
  neg(x: Tensor): Tensor;
  /** e^x. */
  exp(x: Tensor): Tensor;
  /** Natural log; x must be positive. */
  log(x: Tensor): Tensor;
  /** Square root; x must be non-negative. */
  sqrt(x: Tensor): Tensor;
  /** 1 / sqrt(x). */
  rsqrt(x: Tensor): Tensor;
  /** x * x (use this, not a power op). */
  square(x: Tensor): Tensor;
  /** |x|. */
  abs(x: Tensor): Tensor;
  /** Clips x to [lo, hi]; the gradient is zero outside. */
  clamp(x: Tensor, lo: number, hi: number): Tensor;
  /** tanh(x). */
  tanh(x: Tensor): Tensor;
  /** 1 / (1 + e^-x). */
  sigmoid(x: Tensor): Tensor;
  /** x * sigmoid(x) (SiLU / swish). */
  silu(x: Tensor): Tensor;
  /** GELU, tanh approximation. */
  gelu(x: Tensor): Tensor;
  /** max(x, 0). */
  relu(x: Tensor): Tensor;
  /** log(1 + e^x), computed stably. */
  softplus(x: Tensor): Tensor;
  /** log(sigmoid(x)), computed stably (always <= 0: a log-decay). */
  logSigmoid(x: Tensor): Tensor;

  // ---- reductions ----
  /** Sum over `axis` (negative counts from the end). */
  sum(x: Tensor, axis: number, keepDims?: boolean): Tensor;
  /** Mean over `axis` (negative counts from the end). */
  mean(x: Tensor, axis: number, keepDims?: boolean): Tensor;
  /** Softmax over `axis` (default -1). */
  softmax(x: Tensor, axis?: number): Tensor;

  // ---- shapes ----
  /** Same values, new shape (one entry may be -1). */
  reshape(x: Tensor, shape: readonly number[]): Tensor;
  /** Permutes the axes. */
  transpose(x: Tensor, perm: readonly number[]): Tensor;
  /** Joins tensors along `axis`. */
  concat(xs: readonly Tensor[], axis: number): Tensor;
  /** Splits along `axis` into equal parts (a count) or parts of the given sizes. */
  split(x: Tensor, sizes: number | readonly number[], axis: number): Tensor[];
  /** The sub-tensor starting at `begin` with `size` (-1: to the end) on each axis. */
  slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor;
  /** Repeats x `reps[i]` times along axis i. */
  tile(x: Tensor, reps: readonly number[]): Tensor;
  /** A constant tensor of `shape` filled with `value` (no gradient). */
  full(shape: readonly number[], value: number): Tensor;
  /** The constant [n, n] lower-triangular matrix of ones (strict: zero diagonal too). */
  tril(n: number, strict?: boolean): Tensor;
  /** The constant [L] positions 0, 1, ..., L-1 (float). */
  positions(length: number): Tensor;

  // ---- linear algebra ----
  /** x [..., in] @ w [in, out] (+ b [out]) to [..., out]. The fast path: use it for projections. */
  linear(x: Tensor, w: Tensor, b?: Tensor): Tensor;
  /** Batched a [..., m, k] @ b [..., k, n] to [..., m, n]; with transposeB, b is [..., n, k]. */
  matmul(a: Tensor, b: Tensor, transposeB?: boolean): Tensor;

  // ---- normalisation ----
  /** x / rms(x) * weight over the last axis; weight [D]. */
  rmsNorm(x: Tensor, weight: Tensor, eps?: number): Tensor;
  /** (x - mean) / std * weight + bias over the last axis; weight, bias [D]. */
  layerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps?: number): Tensor;
  /** Layer norm within each of `groups` equal slices of the last axis (per-head norm); weight, bias [D]. */
  groupNorm(x: Tensor, groups: number, weight: Tensor, bias: Tensor, eps?: number): Tensor;

  // ---- sequence ops (all causal) ----
  /** [B, L, H*Dh] to [B, H, L, Dh]. */
  splitHeads(x: Tensor, heads: number): Tensor;
  /** [B, H, L, Dh] to [B, L, H*Dh]. */
  mergeHeads(x: Tensor): Tensor;
  /** Rotary position embedding on [B, H, L, Dh] (Dh even), positions 0..L-1, frequency base `base` (default 10000). */
  rotary(x: Tensor, base?: number): Tensor;
  /**
   * Causal softmax attention: q, k [B, H, L, Dk], v [B, H, L, Dv] to [B, H, L, Dv].
   * Position t attends to 0..t. `scale` defaults to 1/sqrt(Dk).
   */
  causalAttention(q: Tensor, k: Tensor, v: Tensor, scale?: number): Tensor;
  /** Token shift: y[:, t] = x[:, t - steps] for x [B, L, ...], zeros for t < steps. */
  shift(x: Tensor, steps?: number): Tensor;
  /** Depthwise causal convolution: x [B, L, D], w [K, D] (+ b [D]); y[t] = sum_i w[i] * x[t - K + 1 + i]. */
  causalConv1d(x: Tensor, w: Tensor, b?: Tensor): Tensor;
  /** Inclusive cumulative sum along the sequence axis (axis 1) of x [B, L, ...]. */
  cumsum(x: Tensor): Tensor;
  /**
   * Chunked linear recurrence (linear attention with decay), the core of SSM, RetNet and RWKV designs.
   * q, k [B, H, L, Dk], v [B, H, L, Dv], logDecay [B, H, L, Dk] or [B, H, L, 1] (values <= 0).
   * State S_t [Dk, Dv] = diag(exp(logDecay_t)) S_{t-1} + k_t^T v_t.
   * Output [B, H, L, Dv]: y_t = q_t S_t, or with `exclusive` y_t = q_t S_{t-1} (+ (q_t * bonus * k_t) v_t
   * when `bonus` [H, Dk] is given, as in RWKV). `chunk` (default 16) trades memory for speed only.
   */
  linearScan(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    logDecay: Tensor,
    opts?: { readonly exclusive?: boolean; readonly bonus?: Tensor; readonly chunk?: number },
  ): Tensor;
}

/** The curated ops. */
export declare const ops: Ops;
