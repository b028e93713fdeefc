// Static-check latency on a seed: cold (first check in a fresh process: loads the contract and the
// ES2022 lib files, builds the first program) and warm (50 checks after a one-character edit each,
// so the block's version changes and the checker runs again). Run after `npm run compile-tests`:
//   node bench/static-check.mjs [seed]
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const compiled = join(root, 'out', 'src', 'verify', 'static', 'index.js');
if (!existsSync(compiled)) {
  console.error(`missing ${compiled}: run \`npm run compile-tests\` first`);
  process.exit(1);
}
const seedsDir = join(root, 'templates', 'seeds');
const wanted = [process.argv[2] ?? 'gpt2', 'gpt2', 'mamba2', 'retnet', 'rwkv6', 'ttt'];
const seed = wanted.find((s) => existsSync(join(seedsDir, s, 'block.ts')));
if (seed === undefined) {
  console.error(`no seed block.ts under ${seedsDir}: write the seeds first`);
  process.exit(1);
}
const path = join(seedsDir, seed, 'block.ts');
const source = readFileSync(path, 'utf8');

let t = performance.now();
const { checkStatic } = require(compiled);
const loadMs = performance.now() - t;
t = performance.now();
const first = checkStatic(path, source);
const coldMs = performance.now() - t;
const errors = first.filter((r) => !r.ok && r.severity === 'error');
if (errors.length > 0) {
  console.error(`seed ${seed} fails the static checks:`, errors);
  process.exit(1);
}

const runs = 50;
const times = [];
const cpuTimes = [];
for (let i = 0; i < runs; i++) {
  // A one-character edit in a trailing comment: a new version, the same program otherwise.
  const edited = `${source}\n// edit ${String.fromCharCode(97 + (i % 26))}\n`;
  t = performance.now();
  const cpu = process.cpuUsage();
  checkStatic(path, edited);
  const used = process.cpuUsage(cpu);
  times.push(performance.now() - t);
  cpuTimes.push((used.user + used.system) / 1000);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(runs / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(runs * 0.95) - 1];
console.log(
  `static check ${seed}: cold ${coldMs.toFixed(0)} ms (+ ${loadMs.toFixed(0)} ms to load typescript), ` +
    `warm median ${median(times).toFixed(1)} ms, p95 ${p95(times).toFixed(1)} ms (target < 50 ms); ` +
    `CPU time median ${median(cpuTimes).toFixed(1)} ms (wall time counts other processes on a busy machine)`,
);
