// Proposes N designs with the offline designer from the five seeds over repeated generations
// (each verified proposal joins the pool of parents), verifies each one fully (static and
// sandboxed dynamic checks at the 50k rung), and prints the pass rate and the failures by check
// id. Target: at least 90% pass. Run after `npm run build && npm run compile-tests`:
//   node bench/offline-designer.mjs [--n 40] [--seed 1] [--jobs 2] [--keep DIR]
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('n', '40'));
const SEED = Number(arg('seed', '1'));
const JOBS = Number(arg('jobs', '2'));
const KEEP = arg('keep', undefined);
const SEEDS = ['gpt2', 'mamba2', 'retnet', 'rwkv6', 'ttt'];

let verifySource, offlineDesigner, mulberry32, unitTexts;
try {
  ({ verifySource } = require('../out/src/verify/index.js'));
  ({ offlineDesigner } = require('../out/src/evolve/offline/index.js'));
  ({ mulberry32 } = require('../out/src/gab/rng.js'));
  ({ unitTexts } = require('../out/src/units/tree.js'));
} catch (err) {
  console.error(
    `bench/offline-designer.mjs: cannot load the compiled sources (${err.message}); run \`npm run build && npm run compile-tests\` first.`,
  );
  process.exit(2);
}

const pool = SEEDS.map((id) => ({
  id,
  source: readFileSync(join('templates/seeds', id, 'block.ts'), 'utf8'),
}));
/** The unit library: every distinct unit text of the pool. */
function library() {
  const byText = new Map();
  for (const d of pool) {
    for (const [name, text] of unitTexts('block.ts', d.source)) {
      const e = byText.get(text) ?? { name, text, designs: [] };
      e.designs.push(d.id);
      byText.set(text, e);
    }
  }
  return [...byText.values()];
}

const designer = offlineDesigner({ rng: mulberry32(SEED) });
const results = [];
const t0 = Date.now();
let next = 0;

async function verifyOne(i, p) {
  const parent = p.operator === 'mutate' ? pool.find((d) => d.id === p.parents[0]) : undefined;
  const opts = parent ? { parentSource: parent.source, editedUnit: p.unit } : {};
  const t = Date.now();
  const report = await verifySource(`proposal-${i}.ts`, p.source, { rung: '50k', ...opts });
  const failed = report.checks.filter((c) => !c.ok && c.severity === 'error');
  const line = `${String(i).padStart(3)} ${report.ok ? 'pass' : 'FAIL'} ${p.operator.padEnd(9)} ${(p.parents.join('+') || '-').padEnd(22)} ${(p.unit ?? '-').padEnd(20)} ${p.variant ?? ''} (${((Date.now() - t) / 1000).toFixed(1)} s)`;
  console.log(
    line +
      (report.ok
        ? ''
        : `\n      ${failed.map((c) => `${c.id}: ${c.message.slice(0, 160)}`).join('\n      ')}`),
  );
  if (KEEP) {
    mkdirSync(KEEP, { recursive: true });
    writeFileSync(join(KEEP, `proposal-${i}${report.ok ? '' : '-fail'}.ts`), p.source);
  }
  results.push({ ok: report.ok, failed: failed.map((c) => c.id), proposal: p });
  if (report.ok) {
    pool.push({ id: `g${i}`, source: p.source });
  }
}

// Proposals are made in order (deterministic given the seed and the pool at each point);
// verifications run JOBS at a time, so later proposals may see fewer verified parents.
async function worker() {
  while (next < N) {
    const i = next++;
    let p;
    try {
      p = designer.propose(pool, library());
    } catch (err) {
      console.log(`${String(i).padStart(3)} FAIL propose: ${err.message}`);
      results.push({ ok: false, failed: ['designer/propose'] });
      continue;
    }
    await verifyOne(i, p);
  }
}
await Promise.all(Array.from({ length: JOBS }, worker));

const passed = results.filter((r) => r.ok).length;
const byCheck = new Map();
for (const r of results) {
  for (const id of new Set(r.failed)) {
    byCheck.set(id, (byCheck.get(id) ?? 0) + 1);
  }
}
const byOp = new Map();
for (const r of results.filter((x) => x.proposal)) {
  const k = r.proposal.operator;
  const [ok, all] = byOp.get(k) ?? [0, 0];
  byOp.set(k, [ok + (r.ok ? 1 : 0), all + 1]);
}
console.log(
  `\npass rate: ${passed}/${results.length} = ${((100 * passed) / results.length).toFixed(1)}% (target >= 90%), ${((Date.now() - t0) / 1000).toFixed(0)} s`,
);
console.log(`by operator: ${[...byOp].map(([k, [ok, all]]) => `${k} ${ok}/${all}`).join(', ')}`);
console.log(
  `failures by check: ${byCheck.size === 0 ? 'none' : [...byCheck].map(([k, v]) => `${k} x${v}`).join(', ')}`,
);
process.exit(passed / results.length >= 0.9 ? 0 : 1);
