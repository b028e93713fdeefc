// A run-time guard behind static/host-read, for the sandboxed child: while block code runs (the
// block stack's forward, the module's top level), every Tensor method that reads values on the
// host throws. The static check matches member names; this also stops the ways around a name
// (aliases, destructuring, string conversion of a tensor through join, `+`, template literals).
// The verifier's own reads happen outside block code and are untouched.
import { TENSOR_READ_METHODS } from '../gab/host-reads';
import * as tf from '@tensorflow/tfjs-core';
import { GabError } from '../gab/errors';
import { LanguageModel } from '../model/lm';

/** Tensor methods that read values back (toString reads them to print). */
export const READ_METHODS = [...TENSOR_READ_METHODS, 'toString'] as const;

let depth = 0;
let installed = false;

/** Runs `f` as block code: host reads of tensor values throw inside it. */
export function asBlockCode<T>(f: () => T): T {
  depth++;
  try {
    return f();
  } finally {
    depth--;
  }
}

/** Patches tf.Tensor's read methods and LanguageModel.stack once per process (idempotent). */
export function installHostReadGuard(): void {
  if (installed) {
    return;
  }
  installed = true;
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  for (const name of READ_METHODS) {
    const original: unknown = Reflect.get(proto, name);
    if (typeof original !== 'function') {
      continue;
    }
    proto[name] = function (this: unknown, ...args: unknown[]): unknown {
      if (depth > 0) {
        throw new GabError(
          `block code read tensor values on the host (Tensor.${name}): a block's control flow ` +
            `may depend only on shapes and hyperparameters; keep the computation in ops`,
        );
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  const stack = LanguageModel.prototype.stack; // eslint-disable-line @typescript-eslint/unbound-method
  LanguageModel.prototype.stack = function (this: LanguageModel, x: tf.Tensor): tf.Tensor {
    return asBlockCode(() => stack.call(this, x));
  };
}
