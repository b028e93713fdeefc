// Loads Blocksmith's own wasm SIMD kernels (the .c files here, built into binaries.ts) into the
// running tfjs wasm backend: each module imports that backend's WebAssembly.Memory, so a kernel
// reads its inputs and writes its outputs where tfjs keeps the tensors, with no copy. One instance
// per backend instance (each worker thread has its own). The relaxed-SIMD FMA build is used where
// the engine has relaxed SIMD (Node 20 behind a V8 flag this module sets, on by default from Node
// 22); BLOCKSMITH_KERNELS=simd forces the plain build, e.g. to compare the two.
import * as tf from '@tensorflow/tfjs-core';
import * as v8 from 'node:v8';
import { KERNEL_BINARIES } from './binaries';

// The few members of the WebAssembly JS API used here (lib ES2022 does not type them).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
};

/** What this file needs of tfjs-backend-wasm's BackendWasm (not exported by its typings). */
interface WasmBackend {
  readonly wasm: {
    readonly asm: { readonly memory: WasmMemory };
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
  readonly dataIdMap: { get(id: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** A kernel module's exported functions: pointers and sizes in, nothing out. */
export type KernelFns = Readonly<Record<string, (...args: number[]) => void>>;

/** Bytes of shadow stack per instance (clang spills there; it must not land on tfjs's data). */
const STACK_BYTES = 65536;

let build: 'fma' | 'simd' | undefined;
let relaxed: boolean | undefined;

/** Whether relaxed-SIMD modules validate here, after enabling them where V8 has them behind a flag. */
function relaxedSimd(): boolean {
  if (relaxed === undefined) {
    const probe = Buffer.from(Object.values(KERNEL_BINARIES)[0]?.fma ?? '', 'base64');
    const valid = (): boolean => probe.length > 0 && WebAssembly.validate(probe);
    if (!valid()) {
      // Node 20's V8 (11.3) has relaxed SIMD behind this flag; it applies to modules compiled after
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    }
    relaxed = valid();
  }
  return relaxed;
}

/** Which build runs here: 'fma' where relaxed SIMD validates, else 'simd'. */
export function kernelBuild(): 'fma' | 'simd' {
  build ??= process.env.BLOCKSMITH_KERNELS !== 'simd' && relaxedSimd() ? 'fma' : 'simd';
  return build;
}

let instances = new WeakMap<object, Map<string, KernelFns>>();

/**
 * Forces a build for the kernels loaded from now on (tests and benchmarks compare the two); the
 * instances loaded before are dropped. Throws for 'fma' where the engine lacks relaxed SIMD.
 */
export function useKernelBuild(b: 'fma' | 'simd'): void {
  if (b === 'fma' && !relaxedSimd()) {
    throw new Error('wasm kernels: this engine has no relaxed SIMD, so no FMA build');
  }
  build = b;
  instances = new WeakMap();
}

function isWasmBackend(b: unknown): b is WasmBackend {
  const w = (b as { wasm?: { asm?: { memory?: unknown }; _malloc?: unknown } } | undefined)?.wasm;
  return w?.asm?.memory instanceof WebAssembly.Memory && typeof w._malloc === 'function';
}

/** The kernel module `name` (a .c file's base name) on `backend`, or undefined off wasm. */
export function kernels(backend: unknown, name: string): KernelFns | undefined {
  if (!isWasmBackend(backend)) {
    return undefined;
  }
  let mods = instances.get(backend);
  if (!mods) {
    mods = new Map();
    instances.set(backend, mods);
  }
  let fns = mods.get(name);
  if (!fns) {
    const bin = KERNEL_BINARIES[name] as (typeof KERNEL_BINARIES)[string] | undefined;
    if (!bin) {
      throw new Error(`wasm kernels: no module '${name}' in binaries.ts (npm run build:kernels)`);
    }
    const mod = new WebAssembly.Module(Buffer.from(bin[kernelBuild()], 'base64'));
    const inst = new WebAssembly.Instance(mod, { env: { memory: backend.wasm.asm.memory } });
    const sp = inst.exports.__stack_pointer as { value: number };
    sp.value = backend.wasm._malloc(STACK_BYTES) + STACK_BYTES; // freed with the backend
    fns = inst.exports as unknown as KernelFns;
    mods.set(name, fns);
  }
  return fns;
}

/** Whether the kernels run for these tensors: on the wasm backend, float32, none empty. */
export function onWasm(...xs: tf.Tensor[]): boolean {
  return tf.getBackend() === 'wasm' && xs.every((x) => x.dtype === 'float32' && x.size > 0);
}

/** kernels(), for a caller that checked it runs on wasm: throws where the module is missing. */
export function moduleOn(backend: unknown, name: string): KernelFns {
  const fns = kernels(backend, name);
  if (!fns) {
    throw new Error(`wasm kernels: module '${name}' runs on the wasm backend only`);
  }
  return fns;
}

/** The heap address of a tensor's data on the wasm backend. */
export function addressOf(backend: unknown, t: tf.TensorInfo): number {
  const entry = (backend as WasmBackend).dataIdMap.get(t.dataId);
  if (!entry) {
    throw new Error(`wasm kernels: tensor ${t.shape.join('x')} has no data on this backend`);
  }
  return entry.memoryOffset;
}

/** A fresh float32 output tensor on the wasm backend and its heap address. */
export function output(backend: unknown, shape: number[]): { info: tf.TensorInfo; at: number } {
  const info = (backend as WasmBackend).makeOutput(shape, 'float32');
  return { info, at: addressOf(backend, info) };
}

/** Runs f with `bytes` of heap scratch (16-byte aligned by malloc), freed after. */
export function withScratch<T>(backend: unknown, bytes: number, f: (at: number) => T): T {
  const w = (backend as WasmBackend).wasm;
  const at = w._malloc(Math.max(16, bytes));
  try {
    return f(at);
  } finally {
    w._free(at);
  }
}
