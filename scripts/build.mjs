// Bundles each entry point with esbuild: the extension (vscode external), the CLI and the
// sandboxed runner. TensorFlow.js and TypeScript stay external: they load their own files
// (wasm binaries, lib.d.ts) from node_modules at run time.
import { build } from 'esbuild';
import { existsSync, copyFileSync, mkdirSync } from 'node:fs';

const entries = [
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/sandbox/runner.ts', out: 'runner' },
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
console.log('built dist/');
