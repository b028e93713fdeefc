// The dashboard bar: it renders 1,000 designs and 100,000 curve points and stays responsive.
// In Debian's Chromium with the webview tests' fake host (test/webview/harness.mjs): a Genesys-like
// tree of 1,000 designs and 100 runs x 1,000 points (900 train + 100 validation each), then
// frame times (requestAnimationFrame deltas) while (a) curve-append streams 10 points every
// 50 ms, (b) the tree is dragged and wheel-zoomed, (c) the pointer hovers over the tree.
// Run after `npm run build`:
//   node bench/dashboard.mjs [--designs 1000] [--runs 100] [--points 1000] [--seconds 5]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSnapshot, curvePoints, rng } from '../test/webview/fixtures.mjs';
import { launch, openDashboard, ROOT } from '../test/webview/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const DESIGNS = opt('designs', 1000);
const RUNS = opt('runs', 100);
const POINTS = opt('points', 1000);
const SECONDS = opt('seconds', 5);

// In the page: a requestAnimationFrame loop that keeps the deltas, and a long-task observer.
function startRecorder() {
  const rec = { deltas: [], longTasks: 0, running: true };
  let last = performance.now();
  const loop = (t) => {
    rec.deltas.push(t - last);
    last = t;
    if (rec.running) {
      requestAnimationFrame(loop);
    }
  };
  requestAnimationFrame((t) => {
    last = t;
    requestAnimationFrame(loop);
  });
  new PerformanceObserver((l) => (rec.longTasks += l.getEntries().length)).observe({
    type: 'longtask',
  });
  window.__rec = rec;
}

const stopRecorder = (page) =>
  page.evaluate(() => {
    window.__rec.running = false;
    return { deltas: window.__rec.deltas, longTasks: window.__rec.longTasks };
  });

function stats({ deltas, longTasks }) {
  const s = [...deltas].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return {
    frames: s.length,
    medianMs: +q(0.5).toFixed(1),
    p95Ms: +q(0.95).toFixed(1),
    maxMs: +(s.at(-1) ?? NaN).toFixed(1),
    over50ms: s.filter((d) => d > 50).length,
    longTasks,
  };
}

/** Time from the snapshot's postMessage to the end of the frame that paints it. */
async function firstRender(page, snapshot) {
  return page.evaluate(async (snap) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const t0 = performance.now();
    let handled = 0;
    window.addEventListener('message', () => (handled = performance.now()), { once: true });
    window.postMessage(snap, '*'); // structured clone included, as VS Code's postMessage
    await new Promise((r) => setTimeout(r, 0));
    while (handled === 0) {
      await frame();
    }
    await frame(); // the frame that draws (uPlot and the tree draw in rAF)
    await frame(); // painted
    return { handleMs: handled - t0, paintedMs: performance.now() - t0 };
  }, snapshot);
}

const fullDraws = (page) =>
  page.evaluate(() => Number(document.querySelector('[data-testid=curves]').dataset.draws ?? 0));

async function streaming(page, seconds) {
  const draws0 = await fullDraws(page);
  await page.evaluate(startRecorder);
  await page.evaluate(
    async ({ seconds, tokens0 }) => {
      let step = 0;
      await new Promise((done) => {
        const timer = setInterval(() => {
          const tokens = [];
          const loss = [];
          for (let i = 0; i < 10; i++, step++) {
            tokens.push(tokens0 + step * 512);
            loss.push(2 + 3 * Math.exp(-step / 2000));
          }
          const m = {
            type: 'curve-append',
            key: 'live@50k:train',
            design: 'live',
            rung: '50k',
            kind: 'train',
            tokens,
            loss,
          };
          window.postMessage(m, '*');
        }, 50);
        setTimeout(() => {
          clearInterval(timer);
          done();
        }, seconds * 1000);
      });
    },
    { seconds, tokens0: 512 },
  );
  const s = stats(await stopRecorder(page));
  return { ...s, appends: seconds * 20, fullRedraws: (await fullDraws(page)) - draws0 };
}

async function tab(page, name) {
  await page.locator(`vscode-tab-header[data-tab=${name}]`).click();
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  );
}

async function panZoom(page, seconds) {
  const box = await page.locator('#tree-canvas').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.evaluate(startRecorder);
  const end = Date.now() + seconds * 1000;
  for (let k = 0; Date.now() < end; k++) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) {
      await page.mouse.move(cx + 8 * i * Math.cos(k), cy + 8 * i * Math.sin(k));
    }
    await page.mouse.up();
    for (let i = 0; i < 10; i++) {
      await page.mouse.wheel(0, k % 2 === 0 ? -60 : 60);
    }
  }
  return stats(await stopRecorder(page));
}

async function hover(page, seconds) {
  const box = await page.locator('#tree-canvas').boundingBox();
  await page.locator('vscode-button#tree-fit').click();
  await page.evaluate(startRecorder);
  const r = rng(7);
  const end = Date.now() + seconds * 1000;
  let shown = 0;
  let moves = 0;
  while (Date.now() < end) {
    await page.mouse.move(box.x + r() * box.width, box.y + r() * box.height);
    moves++;
    shown += (await page.locator('#tree-tooltip').isVisible()) ? 1 : 0;
  }
  return { ...stats(await stopRecorder(page)), moves, tooltipShown: shown };
}

async function main() {
  const snapshot = makeSnapshot({ designs: DESIGNS, runs: RUNS, points: POINTS });
  const points = snapshot.curves.reduce((s, c) => s + c.tokens.length, 0);
  // the run in progress gets its own curve, streamed by (a)
  snapshot.curves.push({
    key: 'live@50k:train',
    design: 'live',
    rung: '50k',
    kind: 'train',
    ...curvePoints(rng(9), 0, 0, 1),
  });
  const dir = mkdtempSync(join(tmpdir(), 'blocksmith-bench-'));
  const context = await launch(dir);
  try {
    const { page, errors } = await openDashboard(context);
    await page.setViewportSize({ width: 1400, height: 900 });
    const first = await firstRender(page, snapshot);
    const drawn = await page.evaluate(
      () => document.querySelector('[data-testid=curves]').dataset.points,
    );
    const idle = await (async () => {
      await page.evaluate(startRecorder);
      await page.waitForTimeout(2000);
      return stats(await stopRecorder(page));
    })();
    const a = await streaming(page, SECONDS);
    const t0 = Date.now();
    await tab(page, 'tree');
    const treeShownMs = Date.now() - t0;
    const b = await panZoom(page, SECONDS);
    const c = await hover(page, SECONDS);
    const result = {
      designs: DESIGNS,
      curvePoints: points,
      pointsDrawn: Number(drawn),
      series: snapshot.curves.length,
      firstRender: { handleMs: +first.handleMs.toFixed(1), paintedMs: +first.paintedMs.toFixed(1) },
      treeTabShownMs: treeShownMs,
      idle,
      streaming: a,
      panZoom: b,
      hover: c,
      pageErrors: errors,
    };
    console.log(
      `dashboard bench: ${DESIGNS} designs, ${points} curve points in ${snapshot.curves.length - 1} series (Chromium, headless, --disable-gpu)`,
    );
    console.log(
      `  first render of the snapshot: handled in ${result.firstRender.handleMs} ms, painted after ${result.firstRender.paintedMs} ms`,
    );
    console.log(`  tree tab shown (click to painted, through Playwright): ${treeShownMs} ms`);
    for (const [name, s] of [
      ['idle', idle],
      ['(a) curve-append 10 pts/50 ms', a],
      ['(b) tree pan + zoom', b],
      ['(c) tree hover', c],
    ]) {
      console.log(
        `  ${name.padEnd(30)} frames ${String(s.frames).padStart(4)}  median ${s.medianMs} ms  p95 ${s.p95Ms} ms  max ${s.maxMs} ms  >50 ms: ${s.over50ms}  long tasks: ${s.longTasks}`,
      );
    }
    console.log(
      `  streaming: ${a.appends} appends, ${a.fullRedraws} full chart redraws (the rest drew only the new segment)`,
    );
    console.log(`  hover: ${c.moves} pointer moves, tooltip shown on ${c.tooltipShown}`);
    if (errors.length > 0) {
      console.log(`  page errors: ${errors.join('; ')}`);
    }
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(
      join(ROOT, 'bench/results/dashboard.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    await page.screenshot({ path: join(ROOT, 'bench/results/dashboard-tree.png') });
    await tab(page, 'curves');
    await page.screenshot({ path: join(ROOT, 'bench/results/dashboard-curves.png') });
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
