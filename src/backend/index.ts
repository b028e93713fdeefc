// Backend selection for tfjs: registers the cpu and wasm backends and picks one.
// (tfjs-node is optional and loaded by the trainer later; not here.)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { dirname, join } from 'node:path';
import { ensureGradients } from './gradients';

export { ensureGradients };

export type BackendName = 'wasm' | 'cpu';

let wasmPathsSet = false;

/** The folder (ending in '/') holding the installed wasm backend's dist/*.wasm files. */
export function wasmDir(): string {
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return join(dirname(pkg), 'dist') + '/';
}

/** Backends registered in this process that can be selected. */
export function availableBackends(): string[] {
  return Object.keys(tf.engine().registryFactory);
}

/**
 * Makes `name` the active tfjs backend (with tfjs-core's gradients registered) and waits until it
 * is ready; returns tf.getBackend().
 * Throws with a hint when the backend fails to start (e.g. the wasm files are missing).
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<string> {
  ensureGradients();
  if (name === 'wasm' && !wasmPathsSet) {
    setWasmPaths(wasmDir());
    wasmPathsSet = true;
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (err) {
    throw new Error(
      `initBackend: the '${name}' backend failed to start (${String(err)}). ` +
        (name === 'wasm' ? `Check that ${wasmDir()} holds the .wasm files, or use 'cpu'.` : ''),
      { cause: err },
    );
  }
  if (!ok || tf.getBackend() !== name) {
    throw new Error(
      `initBackend: could not switch to '${name}' (active: '${tf.getBackend()}'); ` +
        `registered: ${availableBackends().join(', ')}.`,
    );
  }
  return tf.getBackend();
}
