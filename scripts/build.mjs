// Bundles each entry point with esbuild: the extension (vscode external), the CLI, the sandboxed
// runner, the trainer child and the dashboard webview (a browser bundle, below). TensorFlow.js
// and TypeScript stay external: they load their own files (wasm binaries, lib.d.ts) from
// node_modules at run time.
import { build } from 'esbuild';
import { existsSync, copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const entries = [
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/sandbox/runner.ts', out: 'runner' },
  { in: 'src/train/parallel/worker.ts', out: 'train-worker' },
  { in: 'src/train/main.ts', out: 'trainer' },
];
const external = ['vscode', '@tensorflow/*', 'typescript'];
const watch = process.argv.includes('--watch');

mkdirSync('dist', { recursive: true });
// The contract travels with the bundles: the verifier compiles blocks against it.
copyFileSync('src/gab/contract.d.ts', 'dist/gab.d.ts');
for (const e of entries.filter((x) => existsSync(x.in))) {
  await build({
    entryPoints: [e.in],
    outfile: `dist/${e.out}.js`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external,
    logLevel: watch ? 'info' : 'warning',
  });
}
// tfjs-core ships its gradients only as extensionless ESM, which Node cannot load: bundle them
// once to CJS (loaded by src/backend/gradients.ts; they register into tfjs's global registry).
await build({
  entryPoints: [
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js'),
  ],
  outfile: 'dist/tfjs-gradients.js',
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
});
// The dashboard webview (webview/): a browser bundle with its CSS (uPlot's included), and the
// codicon font beside it; the host's localResourceRoots point at dist/webview. Nothing loads from
// the network inside a webview.
mkdirSync('dist/webview', { recursive: true });
await build({
  entryPoints: [
    { in: 'webview/src/main.ts', out: 'dashboard' },
    { in: 'webview/dashboard.css', out: 'dashboard' },
  ],
  outdir: 'dist/webview',
  bundle: true,
  minify: true,
  platform: 'browser',
  target: 'chrome120',
  format: 'iife',
  sourcemap: true,
  logLevel: watch ? 'info' : 'warning',
});
for (const f of ['codicon.css', 'codicon.ttf']) {
  copyFileSync(
    createRequire(import.meta.url).resolve(`@vscode/codicons/dist/${f}`),
    `dist/webview/${f}`,
  );
}
console.log('built dist/');
