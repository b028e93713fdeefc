// The evolution bar: on a fresh workspace, `evolve` with the offline designer and auto-approve,
// on the laptop rungs, should give >= 20 verified designs and train the promoted ones up the
// rungs within 30 minutes on two cores. Prints designs verified, runs completed per rung, wall
// time. Run after `npm run build`:
//   node bench/evolve.mjs [--steps-scale 1] [--max-designs 24] [--minutes 30] [--keep]
// --steps-scale scales every rung's training steps (1: the rungs' real token budgets); --minutes
// stops the loop (SIGINT: it checkpoints) when the time is up, and the figures say so. Per rung it
// prints where the time went: runs, seconds a run (training loop vs start-up and end) and when
// the rung's first and last runs finished.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'blocksmith.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const scale = opt('steps-scale', '1');
const maxDesigns = opt('max-designs', '24');
const minutes = Number(opt('minutes', '30'));

function cli(argv, { killAfterMs, echo } = {}) {
  return new Promise((res) => {
    const child = spawn(process.execPath, [bin, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      if (echo) process.stderr.write(d);
    });
    const t = killAfterMs ? setTimeout(() => child.kill('SIGINT'), killAfterMs) : undefined;
    child.on('close', (code) => {
      clearTimeout(t);
      res({ code, out });
    });
  });
}

const ws = mkdtempSync(join(tmpdir(), 'bs-bench-evolve-'));
await cli(['init', ws]);
const t0 = Date.now();
const run = await cli(
  [
    'evolve',
    '--workspace',
    ws,
    '--auto-approve',
    '--designer',
    'offline',
    '--max-designs',
    maxDesigns,
    '--steps-scale',
    scale,
  ],
  { killAfterMs: minutes * 60_000, echo: true },
);
const wallS = (Date.now() - t0) / 1000;
const status = JSON.parse((await cli(['status', '--workspace', ws, '--json'])).out);
const mine = status.designs.filter((d) => d.operator !== 'seed');
const verified = mine.filter(
  (d) => !['invalid', 'rejected', 'pending-review', 'proposed'].includes(d.status),
);
const perRung = {};
for (const r of status.runs) {
  if (r.status === 'completed') perRung[r.rung] = (perRung[r.rung] ?? 0) + 1;
}
console.log(run.out.trim());
console.log(`\nsteps scale ${scale}, max designs ${maxDesigns}, limit ${minutes} min`);
console.log(
  `designs proposed: ${mine.length}, verified: ${verified.length}, invalid: ${mine.filter((d) => d.status === 'invalid').length}, refused: ${status.budget.refused}`,
);
console.log(`runs completed per rung: ${JSON.stringify(perRung)}`);
// Where the time goes, per rung: a run's wall (the loop's record, spawn to report) against the
// trainer's own training-loop wall (report.json wallMs); the rest is start-up (backend, data,
// the trainer's verification, workers) and the end (final eval, report, speed).
const times = {};
for (const r of status.runs.filter((x) => x.status === 'completed' && x.finishedAt)) {
  let trainMs = NaN;
  try {
    trainMs = JSON.parse(readFileSync(join(r.runDir, 'report.json'), 'utf8')).wallMs;
  } catch {
    // a report reused from an earlier run: no wall of this one
  }
  const t = (times[r.rung] ??= {
    runs: 0,
    wallS: 0,
    trainS: 0,
    firstDoneMin: Infinity,
    lastDoneMin: 0,
  });
  const wall = (Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000;
  const done = (Date.parse(r.finishedAt) - t0) / 60_000;
  t.runs += 1;
  t.wallS += wall;
  t.trainS += trainMs / 1000;
  t.firstDoneMin = Math.min(t.firstDoneMin, done);
  t.lastDoneMin = Math.max(t.lastDoneMin, done);
}
for (const [rung, t] of Object.entries(times)) {
  console.log(
    `  ${rung}: ${t.runs} runs, ${(t.wallS / t.runs).toFixed(1)} s a run (training loop ${(t.trainS / t.runs).toFixed(1)} s, start-up and end ${((t.wallS - t.trainS) / t.runs).toFixed(1)} s), ` +
      `first done at ${t.firstDoneMin.toFixed(1)} min, last at ${t.lastDoneMin.toFixed(1)} min`,
  );
}
console.log(
  `wall time: ${(wallS / 60).toFixed(1)} min${wallS >= minutes * 60 ? ' (stopped at the limit)' : ''}`,
);
console.log(
  `bar (>= 20 verified, every laptop rung trained, <= 30 min): ${verified.length >= 20 && ['50k', '250k', '1M'].every((r) => perRung[r] > 0) && wallS <= 1800 && !/stopped/.test(run.out) ? 'MET' : 'NOT MET (all promoted runs must finish)'}`,
);
if (args.includes('--keep')) console.log(`workspace kept: ${ws}`);
else rmSync(ws, { recursive: true, force: true });
