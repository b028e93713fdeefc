// Keystroke-to-diagnostic latency of the live diagnostics, on the gpt2 seed (a lone keystroke is
// checked at once; only bursts wait for the 25 ms debounce, src/extension/live-diagnostics.ts):
//   in VS Code  50 single-character edits applied in the real extension host (code-server's VS Code,
//               started by the e2e harness), timed to the diagnostics being set and to VS Code's
//               onDidChangeDiagnostics event (test/e2e/host/bench-diagnostics.ts);
//   in Node     the same 50 edits checked by the verifier's cached language service directly
//               (the peer figure: no VS Code, no debounce).
// Needs `npm run build`, `npm run compile-tests` and (for the VS Code half) scripts/e2e-setup.sh.
//   node bench/diagnostics.mjs [--node-only]
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const outSrc = join(root, 'out', 'src');
const EDITS = 50;

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}
const fmt = ({ median, p95, max }) =>
  `median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms`;

/** The same edits as the in-host bench: drop the last letter of an op name, then put it back. */
function editedTexts(source) {
  const sites = [...source.matchAll(/\bops\.([A-Za-z]+)\(/g)]
    .map((m) => m.index + 'ops.'.length + m[1].length - 1)
    .reverse();
  const out = [];
  for (let i = 0; out.length < EDITS; i++) {
    const at = sites[i % sites.length];
    out.push({ text: source.slice(0, at) + source.slice(at + 1), broken: true });
    out.push({ text: source, broken: false });
  }
  return out;
}

async function nodeBench(seedPath) {
  const compiled = join(outSrc, 'verify', 'static', 'index.js');
  if (!existsSync(compiled)) {
    throw new Error(`missing ${compiled}: run \`npm run compile-tests\` first`);
  }
  const source = readFileSync(seedPath, 'utf8');
  let t = performance.now();
  const { checkStatic } = require(compiled);
  const { programFor } = require(join(outSrc, 'verify', 'static', 'service.js'));
  const loadMs = performance.now() - t;
  t = performance.now();
  checkStatic(seedPath, source);
  const coldMs = performance.now() - t;
  // Consecutive edits reuse the program's lib and contract SourceFiles (parsed and bound once).
  const a = programFor(`${source}\n// a\n`).program;
  const b = programFor(`${source}\n// b\n`).program;
  const shared = a.getSourceFiles().filter((f) => !f.fileName.endsWith('/block.ts'));
  const reused = shared.filter((f) => b.getSourceFile(f.fileName) === f).length;
  const times = [];
  const cpuTimes = [];
  for (const e of editedTexts(source)) {
    // The same pause between edits as the in-host bench (it waits out VS Code's event debounce).
    await new Promise((r) => setTimeout(r, 120));
    t = performance.now();
    const cpu = process.cpuUsage();
    const failed = checkStatic(seedPath, e.text).some((r) => !r.ok && r.id === 'static/compile');
    const used = process.cpuUsage(cpu);
    times.push(performance.now() - t);
    cpuTimes.push((used.user + used.system) / 1000);
    if (failed !== e.broken) {
      throw new Error(
        `node bench: an edit ${e.broken ? 'should fail' : 'should pass'} static/compile`,
      );
    }
  }
  const s = stats(times);
  console.log(
    `node: ${EDITS} checks of the gpt2 seed by the cached service: ${fmt(s)} ` +
      `(CPU time median ${stats(cpuTimes).median.toFixed(1)} ms: wall time counts other processes on a busy machine); ` +
      `cold first check ${coldMs.toFixed(0)} ms (+ ${loadMs.toFixed(0)} ms to load typescript); ` +
      `${reused}/${shared.length} lib and contract SourceFiles reused between consecutive programs`,
  );
}

async function vscodeBench() {
  const { makeScratch, toolPaths } = await import('../scripts/e2e/env.mjs');
  const { runHostSuite } = await import('../scripts/e2e/host.mjs');
  const { installExitHandlers } = await import('../scripts/e2e/procs.mjs');
  const { rmSync } = await import('node:fs');
  const paths = toolPaths();
  process.env.BLOCKSMITH_DIAG_BENCH = '1';
  const scratch = makeScratch();
  process.env.TMPDIR = scratch.tmp;
  installExitHandlers(() => rmSync(scratch.root, { recursive: true, force: true }));
  const t = performance.now();
  const r = await runHostSuite(paths, scratch, { filter: 'diagnostics.test', timeoutMs: 300_000 });
  const line = r.lines.find((l) => l.includes('# diag-bench '));
  if (!r.ok || line === undefined) {
    throw new Error(`the in-host bench failed (code ${r.code}): ${r.lines.join('\n')}`);
  }
  const res = JSON.parse(line.slice(line.indexOf('{')));
  console.log(
    `vscode: ${res.edits} edits in the real extension host (code-server's VS Code), ` +
      `applyEdit -> diagnostics set: ${fmt(res.set)} (target < 100 ms); ` +
      `applyEdit -> onDidChangeDiagnostics: ${fmt(res.event)} (VS Code debounces this event by 50 ms); ` +
      `suite with server and browser start ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );
}

const seed = join(root, 'templates', 'seeds', 'gpt2', 'block.ts');
await nodeBench(seed);
if (!process.argv.includes('--node-only')) {
  await vscodeBench();
}
process.exit(0);
