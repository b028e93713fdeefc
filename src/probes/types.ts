// The probes' shared types: a probe task (a seeded generator of labelled sequences) and its score.

/** One probe's score, as runProbes returns it and report.json stores it. */
export interface ProbeScore {
  /** 'mqar', 'induction' or 'selective-copy'. */
  readonly name: string;
  /** Accuracy on the labelled positions of held-out examples, in [0, 1]. */
  readonly accuracy: number;
  /** Accuracy of guessing uniformly among the possible answers. */
  readonly chance: number;
  /** Optimiser steps of the best run. */
  readonly steps: number;
  /** Peak learning rate of the best run of the sweep. */
  readonly lr: number;
  /** What was run: sizes, the sweep with every run's accuracy, the backend, wall time. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * A batch of probe examples, row-major [batch, length]: the model reads `ids` and at position t
 * predicts `targets[t]`, scored only where `mask[t]` is 1.
 */
export interface ProbeBatch {
  readonly batch: number;
  readonly length: number;
  readonly ids: Int32Array;
  readonly targets: Int32Array;
  readonly mask: Float32Array;
}

/** A synthetic task: a seeded generator of sequences of a fixed length over a small vocabulary. */
export interface ProbeTask {
  readonly name: string;
  readonly vocab: number;
  readonly length: number;
  /** Accuracy of a uniform guess among the possible answers. */
  readonly chance: number;
  /** Sizes, for the report's detail. */
  readonly describe: Readonly<Record<string, unknown>>;
  /** One example into row `row` of `out` (its rows start zeroed); `rand` is the only randomness. */
  fill(out: ProbeBatch, row: number, rand: () => number): void;
}
