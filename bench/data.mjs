// Times the data pipeline: tokenize + cache throughput (MB of source text per second, cold
// cache), reopening a warm cache, and fetching training / validation batches, for the default
// corpus (or your files) with each tokenizer. Run after `npm run compile-tests`:
//   node bench/data.mjs [--tokenizer bytes|gpt2|both] [file.txt|file.jsonl ...]
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const at = args.indexOf('--tokenizer');
const which = at >= 0 ? args[at + 1] : 'both';
const paths = args.filter((a, i) => !a.startsWith('--') && i !== at + 1);

let TokenDataset, tokenizerFor;
try {
  ({ TokenDataset } = require('../out/src/data/dataset.js'));
  ({ tokenizerFor } = require('../out/src/data/tokenizer.js'));
} catch (err) {
  console.error(
    `bench/data.mjs: cannot load out/src/data (${err.message}); run \`npm run compile-tests\` first.`,
  );
  process.exit(2);
}

/** Median of `runs` timings (ms) of fn. */
function timeMs(fn, runs) {
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn(i);
    ts.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return ts.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

async function bench(kind) {
  const tokenizer = tokenizerFor(kind); // loaded before timing: GPT-2's table loads once
  const cacheDir = mkdtempSync(join(tmpdir(), 'bs-bench-data-'));
  try {
    const t0 = performance.now();
    const ds = await TokenDataset.open({ paths, tokenizer, cacheDir, seed: 0 });
    const coldS = (performance.now() - t0) / 1000;
    const d = ds.describe();
    const t1 = performance.now();
    (await TokenDataset.open({ paths, tokenizer, cacheDir, seed: 0 })).close();
    const warmMs = performance.now() - t1;
    const ctx = kind === 'gpt2' ? 2048 : 128;
    const batch = kind === 'gpt2' ? 8 : 16;
    const trainMs = timeMs((i) => ds.trainBatch(i, batch, ctx), 200);
    const valMs = timeMs(() => ds.valBatches(8, batch, ctx), 10);
    ds.close();
    const mb = d.bytes / 1e6;
    console.log(
      `${kind.padEnd(5)} ${d.corpus}: ${mb.toFixed(1)} MB, ${d.fileCount} files, ` +
        `${d.totalTokens} tokens; tokenize+cache ${coldS.toFixed(2)} s = ` +
        `${(mb / coldS).toFixed(1)} MB/s; warm reopen ${warmMs.toFixed(1)} ms; ` +
        `trainBatch [${batch}, ${ctx + 1}] ${trainMs.toFixed(3)} ms; ` +
        `valBatches 8x[${batch}, ${ctx + 1}] ${valMs.toFixed(2)} ms; ` +
        `unigram ${ds.unigramLoss().toFixed(3)} nats/token`,
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

for (const kind of which === 'both' ? ['bytes', 'gpt2'] : [which]) {
  await bench(kind);
}
