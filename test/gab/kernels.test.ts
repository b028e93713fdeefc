// The wasm kernels ship prebuilt (src/gab/ops/kernels/binaries.ts): a source edited without
// `npm run build:kernels` must fail here, not run stale code. And the loader must hand both
// builds to the wasm backend working inside its memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { packageRoot } from '../../src/paths';
import { SOURCE_SHA256, KERNEL_BINARIES } from '../../src/gab/ops/kernels/binaries';
import { addressOf, kernelBuild, kernels, output } from '../../src/gab/ops/kernels';
import { useBackend } from './helpers';

/** The digest scripts/build-kernels.mjs records: every .c and .h, in name order. */
function digest(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((x) => /\.(c|h)$/.test(x))
    .sort()) {
    h.update(f)
      .update('\0')
      .update(readFileSync(join(dir, f)))
      .update('\0');
  }
  return h.digest('hex');
}

void test('binaries.ts was built from the kernel sources as they are', () => {
  const dir = join(packageRoot(), 'src/gab/ops/kernels');
  assert.equal(
    digest(dir),
    SOURCE_SHA256,
    'a kernel source changed after binaries.ts was built: run `npm run build:kernels`',
  );
  const sources = readdirSync(dir).filter((x) => x.endsWith('.c'));
  assert.deepEqual(Object.keys(KERNEL_BINARIES).sort(), sources.map((f) => f.slice(0, -2)).sort());
});

const wasmApi = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } })
  .WebAssembly;

void test('both builds validate; the loader picks one and computes inside tfjs memory', async () => {
  for (const bin of Object.values(KERNEL_BINARIES)) {
    assert.ok(wasmApi.validate(Buffer.from(bin.simd, 'base64')), 'the SIMD128 build validates');
  }
  await useBackend('wasm');
  assert.ok(['fma', 'simd'].includes(kernelBuild()));
  const be = tf.backend();
  const fns = kernels(be, 'gemm');
  assert.ok(fns, 'kernels load on wasm');
  const a = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
  const b = tf.tensor2d(
    Array.from({ length: 16 }, (_, i) => i - 8),
    [2, 8],
  );
  const o = output(be, [4, 8]);
  fns.gemm_nn(addressOf(be, a), addressOf(be, b), o.at, 4, 2, 8);
  const c = tf.engine().makeTensorFromTensorInfo(o.info);
  assert.deepEqual(Array.from(c.dataSync()), Array.from(tf.matMul(a, b).dataSync()));
  tf.dispose([a, b, c]);
  await useBackend('cpu');
  assert.equal(kernels(tf.backend(), 'gemm'), undefined, 'no kernels off wasm');
});
