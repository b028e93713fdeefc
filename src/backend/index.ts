// Backend selection for tfjs: registers the cpu and wasm backends and picks one. chooseBackend
// also knows the optional native ones (native.ts) and 'auto', the best that starts here.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { dirname, join } from 'node:path';
import { kernelBuild } from '../gab/ops/kernels';
import { ensureGradients } from './gradients';
import { loadNative, packageVersion, type NativeBackend } from './native';

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

/** What a user may ask for (setting or flag): 'auto' is the best that starts, best first. */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface ChosenBackend {
  /** The backend running, in the protocol's names ('tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'). */
  readonly name: Exclude<BackendChoice, 'auto'>;
  /** tf.getBackend(). */
  readonly tfBackend: string;
  /** The device in words, for hello and reports. */
  readonly device: string;
  readonly versions: Readonly<Record<string, string>>;
  /** Why the better backends were passed over (auto). */
  readonly skipped: readonly string[];
}

export function isBackendChoice(s: string): s is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(s);
}

async function startNative(name: NativeBackend): Promise<{ ok: boolean; why: string; v: string }> {
  const load = loadNative(name);
  if (!load.ok) {
    return { ok: false, why: load.reason, v: '' };
  }
  try {
    ensureGradients();
    if ((await tf.setBackend('tensorflow')) && tf.getBackend() === 'tensorflow') {
      return { ok: true, why: '', v: load.version };
    }
    return { ok: false, why: `${name}: the 'tensorflow' backend did not start`, v: '' };
  } catch (err) {
    return { ok: false, why: `${name}: failed to start (${String(err)})`, v: '' };
  }
}

async function deviceOf(name: ChosenBackend['name']): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
      return 'GPU (libtensorflow with CUDA)';
    case 'tensorflow':
      return 'CPU (libtensorflow)';
    case 'wasm': {
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      const fma = kernelBuild() === 'fma' ? ' with relaxed-SIMD FMA' : '';
      return `CPU (WebAssembly${simd ? ' SIMD' : ', no SIMD'}, one thread; Blocksmith kernels${fma})`;
    }
    case 'cpu':
      return 'CPU (plain JavaScript)';
  }
}

async function started(
  name: ChosenBackend['name'],
  skipped: string[],
  native = '',
): Promise<ChosenBackend> {
  const versions: Record<string, string> = {
    'tfjs-core': tf.version_core,
    node: process.versions.node,
  };
  if (name === 'wasm') {
    versions['tfjs-backend-wasm'] = packageVersion('@tensorflow/tfjs-backend-wasm');
  } else if (name === 'cpu') {
    versions['tfjs-backend-cpu'] = packageVersion('@tensorflow/tfjs-backend-cpu');
  } else {
    versions[name === 'tensorflow' ? 'tfjs-node' : 'tfjs-node-gpu'] = native;
  }
  return { name, tfBackend: tf.getBackend(), device: await deviceOf(name), versions, skipped };
}

/**
 * Starts the backend `choice` names; 'auto' tries tensorflow-gpu, tensorflow, wasm, then cpu and
 * takes the first that starts. A named backend that cannot start is an error saying what to do.
 */
export async function chooseBackend(choice: string): Promise<ChosenBackend> {
  if (!isBackendChoice(choice)) {
    throw new Error(`unknown backend '${choice}': choose one of ${BACKEND_CHOICES.join(', ')}`);
  }
  const skipped: string[] = [];
  for (const name of ['tensorflow-gpu', 'tensorflow'] as const) {
    if (choice !== 'auto' && choice !== name) {
      continue;
    }
    const r = await startNative(name);
    if (r.ok) {
      return started(name, skipped, r.v);
    }
    if (choice === name) {
      throw new Error(
        `backend '${name}' is unavailable: ${r.why}. Install it (npm install @tensorflow/` +
          `${name === 'tensorflow' ? 'tfjs-node' : 'tfjs-node-gpu'}@4.22.0; it downloads ` +
          `libtensorflow) or use --backend auto.`,
      );
    }
    skipped.push(r.why);
  }
  if (choice === 'cpu') {
    return started(await initBackendName('cpu'), skipped);
  }
  try {
    return await started(await initBackendName('wasm'), skipped);
  } catch (err) {
    if (choice === 'wasm') {
      throw err;
    }
    skipped.push(err instanceof Error ? err.message : String(err));
    return started(await initBackendName('cpu'), skipped);
  }
}

async function initBackendName(name: BackendName): Promise<BackendName> {
  await initBackend(name);
  return name;
}
