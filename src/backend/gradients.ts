// tfjs-core's CommonJS build registers no gradients (the umbrella @tensorflow/tfjs does that), and
// its register_all_gradients module is extensionless ESM that Node cannot load. scripts/build.mjs
// bundles it to dist/tfjs-gradients.js; loading it registers every gradient into tfjs's global
// registry, shared by all copies of tfjs-core in the process.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths';

/**
 * Registers tfjs-core's gradients once; returns false, doing nothing, when they already are
 * (registered by an earlier call, or by something else such as tfjs-node).
 */
export function ensureGradients(): boolean {
  // getGradient's typing says never undefined, but it is for an unregistered kernel
  const has = (kernel: string): boolean => (tf.getGradient(kernel) as unknown) !== undefined;
  if (has('Multiply') && has('BatchMatMul')) {
    return false;
  }
  const file = join(packageRoot(), 'dist', 'tfjs-gradients.js');
  if (!existsSync(file)) {
    throw new Error(
      `blocksmith ops: the tfjs gradients bundle ${file} is missing, so no op could be ` +
        `differentiated. Run \`npm run build\` (scripts/build.mjs makes it) and try again.`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(file);
  return true;
}
