// The optional native backends: @tensorflow/tfjs-node-gpu and @tensorflow/tfjs-node (libtensorflow).
// They are optionalDependencies: their install downloads libtensorflow, which fails offline, so
// they are loaded at run time only when require.resolve finds them. Both register the tfjs backend
// named 'tensorflow' into the global tfjs registry, shared with our copy of tfjs-core.

/** The native backends, best first, by the name the trainer's protocol uses. */
export const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

export type NativeBackend = keyof typeof NATIVE_PACKAGES;

/** Loaded, or why not (not installed, or its native library failed to load). */
export type NativeLoad =
  { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string };

/** Whether `pkg` resolves from here (installed), without loading it. */
export function resolvable(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** The installed version of `pkg` (its package.json), or 'unknown'. */
export function packageVersion(pkg: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const meta = require(`${pkg}/package.json`) as { version?: string };
    return meta.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Loads the package of `name` if it is installed; never throws. */
export function loadNative(name: NativeBackend): NativeLoad {
  const pkg = NATIVE_PACKAGES[name];
  if (!resolvable(pkg)) {
    return { ok: false, reason: `${pkg} is not installed` };
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(pkg);
    return { ok: true, version: packageVersion(pkg) };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { ok: false, reason: `${pkg} is installed but failed to load: ${msg}` };
  }
}
