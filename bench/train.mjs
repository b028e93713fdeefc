// Training throughput of the GPT seed at each laptop rung: our stack in one thread, our stack on
// data-parallel worker threads, and a PyTorch reference with the same shapes (bench/gpt_ref.py),
// one after the other on this machine. Ends with the line for the 250k rung:
//   tokens/s ours=<n> pytorch=<n> ratio=<ours/pytorch>
// (ours = the best of our configurations, named on the line before).
// Run after `npm run build && npm run compile-tests` (or `npm run bench:train`):
//   node bench/train.mjs [--rungs 50k,250k,1M] [--seconds 8] [--batch N] [--workers 2] [--python P]
// Batches are random byte windows; the batch is the trainer's (1024 tokens a step on laptop
// rungs) unless --batch says otherwise. Each configuration is timed in 1-second windows after
// warm-up steps and the best window is its figure (other processes taking the cores for a
// while then cost little; the mean is printed beside it and saved in bench/results/train.json).
// Nothing is installed: without PyTorch, ours alone.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNG_NAMES = opt('rungs', '50k,250k,1M').split(',');
const SECONDS = Number(opt('seconds', '8'));
const WORKERS = Number(opt('workers', '2'));
const WARMUP = 3;
const WINDOW_S = 1;
const PYTHON = opt('python', '/usr/bin/python3');
const FILE = 'templates/seeds/gpt2/block.ts';

let mods;
try {
  mods = {
    rungs: require('../out/src/ladder/rungs.js'),
    parallel: require('../out/src/train/parallel/index.js'),
    optim: require('../out/src/train/optim.js'),
    kernels: require('../out/src/gab/ops/kernels/index.js'),
  };
  require('../out/src/paths.js').packageRoot();
} catch (err) {
  console.error(
    `bench/train.mjs: cannot load out/src (${err.message}); run \`npm run build && npm run compile-tests\` first.`,
  );
  process.exit(2);
}

/** The trainer's batch at a rung: 1024 tokens a step on laptop rungs (src/train/config.ts). */
const batchOf = (rung) =>
  Number(opt('batch', String(Math.max(1, Math.round(1024 / rung.context)))));

/** A random batch of byte windows [batch, context + 1]. */
function randomBatch(batch, context) {
  return Int32Array.from({ length: batch * (context + 1) }, () => Math.floor(Math.random() * 256));
}

/** Our stack with `workers` (1: this thread): tokens/s after warm-up steps. */
async function ours(rung, workers) {
  const batch = batchOf(rung);
  const dp = await mods.parallel.DataParallel.create({
    source: readFileSync(FILE, 'utf8'),
    fileName: FILE,
    d: rung.d,
    nBlocks: rung.nBlocks,
    vocab: 256,
    seed: 1,
    backend: 'wasm',
    optim: mods.optim.defaultOptim(rung),
    workers,
  });
  try {
    const lr = mods.optim.defaultOptim(rung).lr;
    for (let i = 0; i < WARMUP; i++) {
      await dp.step(randomBatch(batch, rung.context), batch, rung.context, lr);
    }
    // windows of about WINDOW_S: the best is the figure (robust to other processes taking the
    // cores for a while), the mean over all windows beside it
    const windows = [];
    const t0 = performance.now();
    while (windows.length < 2 || performance.now() - t0 < SECONDS * 1000) {
      const w0 = performance.now();
      let n = 0;
      while (n < 1 || performance.now() - w0 < WINDOW_S * 1000) {
        await dp.step(randomBatch(batch, rung.context), batch, rung.context, lr);
        n++;
      }
      windows.push({ n, secs: (performance.now() - w0) / 1000 });
    }
    const tokens = batch * rung.context;
    const steps = windows.reduce((a, w) => a + w.n, 0);
    const secs = (performance.now() - t0) / 1000;
    return {
      tokensPerSec: Math.max(...windows.map((w) => (w.n * tokens) / w.secs)),
      meanTokensPerSec: (steps * tokens) / secs,
      msPerStep: (1000 * secs) / steps,
    };
  } finally {
    await dp.dispose();
  }
}

function torchMissing() {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0
    ? undefined
    : (r.stderr || r.error?.message || 'no python').trim().split('\n').pop();
}

function pytorch(rung) {
  const batch = batchOf(rung);
  const r = spawnSync(
    PYTHON,
    [
      'bench/gpt_ref.py',
      ...['--d', rung.d, '--blocks', rung.nBlocks, '--context', rung.context, '--batch', batch],
      ...['--seconds', SECONDS, '--window', WINDOW_S, '--warmup', WARMUP, '--threads', 2],
      ...['--lr', mods.optim.defaultOptim(rung).lr],
    ].map(String),
    { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '2' } },
  );
  if (r.status !== 0) {
    throw new Error(`bench/gpt_ref.py failed: ${r.stderr}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const fmt = (x) => (x === undefined ? '-' : Math.round(x).toLocaleString('en-US'));
const load = () => loadavg()[0].toFixed(2);
// the figures need the cores to themselves: say how busy the machine was
console.log(
  `${cpus().length} cores, load average ${load()} at the start; Blocksmith wasm kernels: ` +
    `${mods.kernels.kernelBuild() === 'fma' ? 'SIMD128 + relaxed-SIMD FMA' : 'SIMD128'} ` +
    '(BLOCKSMITH_KERNELS=simd forces SIMD128)',
);
const missing = torchMissing();
if (missing) {
  console.log(
    `PyTorch is not importable with ${PYTHON} (${missing}): reporting ours alone. Install it with\n` +
      '  apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread',
  );
}
const rows = [];
for (const name of RUNG_NAMES) {
  const rung = mods.rungs.RUNGS.find((r) => r.name === name);
  if (!rung) {
    throw new Error(`unknown rung ${name}`);
  }
  const row = { rung: name, d: rung.d, nBlocks: rung.nBlocks, context: rung.context };
  row.batch = batchOf(rung);
  row.one = await ours(rung, 1);
  row.workers = await ours(rung, WORKERS);
  row.pytorch = missing ? undefined : pytorch(rung);
  rows.push(row);
  console.log(
    `${name.padEnd(5)} d ${rung.d} x ${rung.nBlocks} blocks, batch ${row.batch} x ${rung.context}: ` +
      `ours 1 thread ${fmt(row.one.tokensPerSec)} tok/s (mean ${fmt(row.one.meanTokensPerSec)}), ` +
      `${WORKERS} workers ${fmt(row.workers.tokensPerSec)} (mean ${fmt(row.workers.meanTokensPerSec)}), ` +
      `pytorch ${fmt(row.pytorch?.tokensPerSec)} (mean ${fmt(row.pytorch?.meanTokensPerSec)}); load ${load()}`,
  );
}

console.log('\ntokens/s, the best 1-second window of each configuration:');
console.log(
  'rung   batch x ctx   ours 1 thread   ours workers   pytorch (2 threads)   ratio (best ours)',
);
for (const r of rows) {
  const best = Math.max(r.one.tokensPerSec, r.workers.tokensPerSec);
  const ratio = r.pytorch ? (best / r.pytorch.tokensPerSec).toFixed(2) : '-';
  console.log(
    `${r.rung.padEnd(6)} ${`${r.batch} x ${r.context}`.padEnd(13)} ${fmt(r.one.tokensPerSec).padStart(13)}` +
      `   ${fmt(r.workers.tokensPerSec).padStart(12)}   ${fmt(r.pytorch?.tokensPerSec).padStart(19)}   ${ratio.padStart(17)}`,
  );
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(join('bench/results', 'train.json'), JSON.stringify(rows, null, 2));

const mid = rows.find((r) => r.rung === '250k');
if (mid) {
  const useWorkers = mid.workers.tokensPerSec >= mid.one.tokensPerSec;
  const best = useWorkers ? mid.workers.tokensPerSec : mid.one.tokensPerSec;
  console.log(
    `\n250k: ours = ${useWorkers ? `${WORKERS} data-parallel workers` : 'one thread'} (the best of ours)`,
  );
  const py = mid.pytorch?.tokensPerSec;
  console.log(
    `tokens/s ours=${Math.round(best)} pytorch=${py ? Math.round(py) : 'n/a'} ratio=${py ? (best / py).toFixed(3) : 'n/a'}`,
  );
}
