// The language model around a block, fixed by the contract: embedding, N blocks, final RMSNorm,
// tied output head, mean cross-entropy. Deterministic from a seed (every parameter is initialised
// from (seed, path)). The verifier's checks use the block stack alone; the trainer the whole LM.
import * as tf from '@tensorflow/tfjs-core';
import type { Block, HParams, Tensor, Z } from '../gab/contract';
import { ops } from '../gab/ops';
import { embedLookup, meanCrossEntropy, tiedHead } from '../gab/ops/embedding';
import { onWasm } from '../gab/ops/kernels';
import { crossEntropyWasm, embedWasm } from '../gab/ops/rowwise-lm';
import { ParamStore, resolveHParams, runBlock, type BlockConfig } from '../gab/runtime';

export interface LMConfig {
  /** Vocabulary size (256 for the bytes tokenizer). */
  readonly vocab: number;
  /** Model width D. */
  readonly d: number;
  /** Number of blocks N. */
  readonly nBlocks: number;
  /** Seed of parameter initialisation. */
  readonly seed: number;
  /** Overrides of the design's hyperparameters (checked against its defaults). */
  readonly hp?: Readonly<Record<string, unknown>>;
}

export interface ParamCounts {
  /** The embedding E [V, D] (tied with the head, so counted once). */
  readonly embedding: number;
  /** The N blocks: the figure the ladder's reference counts are measured in. */
  readonly blocks: number;
  /** Everything but the embedding: the blocks and the final norm. */
  readonly nonEmbedding: number;
  readonly total: number;
}

const EMBED = 'embed/E';
const FINAL_NORM = 'final_norm/weight';

/** Contract tensors are tf tensors at run time; these casts cross the opaque type. */
const asTf = (x: Tensor): tf.Tensor => x as unknown as tf.Tensor;
const asGab = (x: tf.Tensor): Tensor => x;

export class LanguageModel {
  readonly store: ParamStore;
  readonly cfg: BlockConfig;

  constructor(
    readonly block: Block,
    readonly lm: LMConfig,
  ) {
    this.store = new ParamStore(lm.seed);
    this.cfg = { d: lm.d, nBlocks: lm.nBlocks, hp: resolveHParams(block, lm.hp) };
  }

  /** The block stack alone: X [B, L, D] to Y [B, L, D]; Z starts empty and threads through. */
  stack(x: tf.Tensor): tf.Tensor {
    let h = x;
    let z: Z = {};
    for (let layer = 0; layer < this.cfg.nBlocks; layer++) {
      [h, z] = runBlock(this.block, this.cfg, this.store, layer, h, z);
    }
    return h;
  }

  /** The embedding E [V, D]. */
  embedding(): tf.Variable {
    return this.store.get(EMBED, [this.lm.vocab, this.lm.d], 'normal');
  }

  /** Token ids [B, L] (int32) to logits [B, L, V]. */
  logits(ids: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const e = this.embedding(); // [V, D]
      // gather's own gradient (UnsortedSegmentSum) is missing on wasm: see embed()
      const x = embed(ids, e); // [B, L, D]
      const h = this.stack(x); // [B, L, D]
      const w = this.store.get(FINAL_NORM, [this.lm.d], 'ones');
      const hn = ops.rmsNorm(asGab(h), asGab(w)); // [B, L, D]
      // tied head: plain matmuls forward and backward (wasm's fast path)
      return tiedHead(asTf(hn), e); // [B, L, V]
    });
  }

  /** Mean cross-entropy of predicting targets [B, L] from ids [B, L]. */
  loss(ids: tf.Tensor, targets: tf.Tensor): tf.Scalar {
    return tf.tidy(() => crossEntropy(this.logits(ids), targets)); // closed-form gradient
  }

  /** Declares every parameter by running the LM once on a [1, length] input. */
  build(length: number): this {
    tf.tidy(() => {
      this.logits(tf.zeros([1, length], 'int32'));
    });
    return this;
  }

  /** Parameter counts; call after build() (parameters are declared on first use). */
  counts(): ParamCounts {
    let embedding = 0;
    let blocks = 0;
    let total = 0;
    for (const [path, v] of this.store.vars) {
      total += v.size;
      if (path === EMBED) {
        embedding += v.size;
      } else if (path.startsWith('blocks.')) {
        blocks += v.size;
      }
    }
    return { embedding, blocks, nonEmbedding: total - embedding, total };
  }

  /** The design's hyperparameters as this model runs them. */
  get hp(): HParams {
    return this.cfg.hp;
  }

  variables(): tf.Variable[] {
    return [...this.store.vars.values()];
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** Rows of e [V, D] for token ids [...], to [..., D]; a gather and a scatter-add on wasm. */
function embed(ids: tf.Tensor, e: tf.Tensor): tf.Tensor {
  if (!onWasm(e)) {
    return embedLookup(ids, e);
  }
  const flat = tf.reshape(tf.cast(ids, 'int32'), [-1]); // [N]
  return tf.reshape(embedWasm(flat, e), [...ids.shape, e.shape[1]!]);
}

/** Mean cross-entropy of logits [..., V] against targets [...]; one fused kernel each way on wasm. */
function crossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  if (!onWasm(logits)) {
    return meanCrossEntropy(logits, targets);
  }
  const v = logits.shape[logits.rank - 1];
  const flat = tf.reshape(tf.cast(targets, 'int32'), [-1]); // [N]
  return crossEntropyWasm(tf.reshape(logits, [-1, v]), flat);
}

/** Parameters per block of the stack, from the declared paths (`blocks.<i>/...`). */
export function paramsPerBlock(store: ParamStore, nBlocks: number): number[] {
  const out = new Array<number>(nBlocks).fill(0);
  for (const [path, v] of store.vars) {
    const m = /^blocks\.(\d+)\//.exec(path);
    const i = m ? Number(m[1]) : -1;
    if (i >= 0 && i < nBlocks) {
      out[i] = (out[i] ?? 0) + v.size;
    }
  }
  return out;
}
