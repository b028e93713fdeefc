// Times the full verification (static + sandboxed dynamic checks) of the GPT seed at the smallest
// rung: once with the GPT baseline uncached (a fresh, empty cache folder), once cached, and
// prints the per-check times. Run after `npm run build` and `npm run compile-tests`:
//   node bench/verify.mjs [path/to/block.ts] [--backend wasm|cpu]
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const backendAt = args.indexOf('--backend');
const backend = backendAt >= 0 ? args[backendAt + 1] : 'wasm';
const file =
  args.find((a, i) => !a.startsWith('--') && i !== backendAt + 1) ??
  'templates/seeds/gpt2/block.ts';
const TARGET_S = 15;

let verifySource;
try {
  ({ verifySource } = require('../out/src/verify/index.js'));
} catch (err) {
  console.error(
    `bench/verify.mjs: cannot load out/src/verify/index.js (${err.message}); run \`npm run build && npm run compile-tests\` first.`,
  );
  process.exit(2);
}
const source = readFileSync(file, 'utf8');

/** One verification; returns wall seconds and per-check ms (from progress to progress). */
async function once() {
  const perCheck = {};
  let current;
  let mark = performance.now();
  const started = mark;
  const report = await verifySource(file, source, {
    backend,
    onProgress: (line) => {
      const now = performance.now();
      if (current) perCheck[current] = now - mark;
      current = line.replace(/^running /, '');
      mark = now;
    },
  });
  const end = performance.now();
  if (current) perCheck[current] = end - mark;
  return { seconds: (end - started) / 1000, perCheck, report };
}

function show(label, r) {
  const failed = r.report.checks.filter((c) => !c.ok).map((c) => `${c.severity} ${c.id}`);
  console.log(
    `${label}: ${r.seconds.toFixed(2)} s, ok ${r.report.ok}${failed.length ? ` (${failed.join(', ')})` : ''}`,
  );
  for (const [id, ms] of Object.entries(r.perCheck))
    console.log(`  ${id.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms`);
  const speed = r.report.checks.find((c) => c.id === 'dynamic/speed');
  if (speed) console.log(`  speed: ${speed.message}`);
}

const cache = mkdtempSync(join(tmpdir(), 'bs-bench-cache-'));
process.env.XDG_CACHE_HOME = cache; // the parent's baseline cache lives here for this run
try {
  const uncached = await once();
  show('uncached baseline', uncached);
  const cached = await once();
  show('cached baseline', cached);
  const name = file.includes('seeds/') ? file.split('/').at(-2) : file;
  console.log(
    `verify ${name} @50k (${backend}): ${cached.seconds.toFixed(1)} s (baseline cached), ` +
      `${uncached.seconds.toFixed(1)} s (uncached); target < ${TARGET_S} s`,
  );
} finally {
  rmSync(cache, { recursive: true, force: true });
}
