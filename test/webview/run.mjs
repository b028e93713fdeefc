// The dashboard webview on its own, in Debian's Chromium with a fake host (harness.mjs).
// Usage: npm run build && node test/webview/run.mjs [name filter]
// Prints one line per test, keeps screenshots in test-results/webview/*.png, exits 1 on failure.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSnapshot } from './fixtures.mjs';
import {
  cspViolations,
  launch,
  openDashboard,
  posted,
  ROOT,
  send,
  waitPosted,
} from './harness.mjs';

const SHOTS = join(ROOT, 'test-results/webview');
const TRAINING = {
  design: 'gen-0012',
  rung: '50k',
  step: 120,
  totalSteps: 400,
  tokensPerSec: 5400,
  etaMs: 95_000,
  loss: 3.2,
};
const EVIL = '<img src=x onerror="window.__pwned=1">';

const attr = (page, sel, name) => page.locator(sel).first().getAttribute(name);
const count = (page, sel) => page.locator(sel).count();
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
const frames = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const tab = async (page, name) => {
  await page.locator(`vscode-tab-header[data-tab=${name}]`).click();
  await frames(page);
};
const points = (snap) => snap.curves.reduce((s, c) => s + c.tokens.length, 0);

async function until(fn, what, timeoutMs = 5000) {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) {
      return;
    }
    if (Date.now() - t0 > timeoutMs) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function detailOf(id, extra = {}) {
  return {
    id,
    node: {
      id,
      parents: ['gen-0011'],
      operator: 'mutate',
      unit: 'Mlp',
      status: 'trained',
      fitness: 1.26,
      rung: '50k',
      createdAt: '2026-11-01T00:00:00Z',
    },
    proposal: `Gate the MLP ${EVIL}\nRationale: cheaper than attention.`,
    review: { rating: 4, text: `Plausible ${EVIL}` },
    verification: [`speed: 1.7x of the GPT seed ${EVIL}`],
    runs: [
      {
        rung: '50k',
        status: 'completed',
        valLoss: 2.26,
        bitsPerByte: 3.26,
        tokensPerSec: 3200,
        probes: { mqar: 0.5 },
        wallMs: 61_000,
      },
    ],
    diff: `--- a/block.ts\n+++ b/block.ts\n@@ -1,2 +1,2 @@\n const a = 1;\n-const mlp = ${EVIL};\n+const mlp = gated(x);\n`,
    ...extra,
  };
}

const tests = {
  async 'snapshot renders designs, leaderboard rows and curves'(page) {
    const snap = makeSnapshot({ designs: 60, runs: 6, points: 300, training: TRAINING });
    await send(page, snap);
    await until(
      async () =>
        (await attr(page, '[data-testid=curves]', 'data-points')) === String(points(snap)),
      'curve points',
    );
    assert.equal(
      await attr(page, '[data-testid=curves]', 'data-series'),
      String(snap.curves.length),
    );
    assert.equal(await attr(page, '[data-testid=tree]', 'data-designs'), '60');
    assert.equal(
      await count(page, '[data-testid=leaderboard] tr[data-id]'),
      snap.leaderboards[0].rows.length,
    );
    assert.equal(await count(page, '[data-testid=curves] canvas'), 1);
    assert.match(
      await page.locator('[data-testid=training]').textContent(),
      /gen-0012 at 50k · step 120\/400/,
    );
    assert.ok(await page.locator('[data-testid=empty]').isHidden());
    await shot(page, 'snapshot-curves');
    await tab(page, 'leaderboard');
    await shot(page, 'snapshot-leaderboard');
    await tab(page, 'tree');
    await shot(page, 'snapshot-tree');
  },

  async 'curve-append grows a series and adds a new one without a new chart'(page) {
    const snap = makeSnapshot({ designs: 20, runs: 2, points: 100 });
    await send(page, snap);
    const n0 = points(snap);
    await until(
      async () => (await attr(page, '[data-testid=curves]', 'data-points')) === String(n0),
      'snapshot points',
    );
    await page.evaluate(() =>
      document.querySelector('[data-testid=curves] canvas').setAttribute('data-first', '1'),
    );
    const c = snap.curves[0];
    const tokens = Array.from({ length: 10 }, (_, i) => c.tokens.at(-1) + 512 * (i + 1));
    await send(page, {
      type: 'curve-append',
      key: c.key,
      design: c.design,
      rung: c.rung,
      kind: c.kind,
      tokens,
      loss: tokens.map(() => 2.5),
    });
    await until(
      async () => (await attr(page, '[data-testid=curves]', 'data-points')) === String(n0 + 10),
      'appended points',
    );
    await send(page, {
      type: 'curve-append',
      key: 'gen-0007@50k:train',
      design: 'gen-0007',
      rung: '50k',
      kind: 'train',
      tokens: [512, 1024],
      loss: [5, 4.8],
    });
    await until(
      async () =>
        (await attr(page, '[data-testid=curves]', 'data-series')) ===
        String(snap.curves.length + 1),
      'new series',
    );
    assert.equal(await attr(page, '[data-testid=curves]', 'data-points'), String(n0 + 12));
    assert.equal(
      await count(page, '[data-testid=curves] canvas[data-first]'),
      1,
      'the chart was re-created',
    );
  },

  async 'select posts select and the detail renders, design text stays text'(page) {
    const snap = makeSnapshot({ designs: 60, runs: 6, points: 100 });
    await send(page, snap);
    await tab(page, 'leaderboard');
    const id = await attr(page, '[data-testid=leaderboard] tr[data-id]:nth-child(3)', 'data-id');
    await page.locator(`[data-testid=leaderboard] tr[data-id="${id}"]`).click();
    await waitPosted(page, (m) => m.type === 'select' && m.id === id);
    await send(page, { type: 'detail', detail: detailOf(id) });
    await page.locator(`[data-testid=detail][data-id="${id}"]`).waitFor();
    assert.equal(
      await count(page, '[data-testid=detail] img'),
      0,
      'design text created an element',
    );
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.match(
      await page.locator('[data-testid=detail]').textContent(),
      /Gate the MLP <img src=x/,
    );
    assert.equal(await count(page, '[data-testid=diff] .del'), 1);
    assert.equal(await count(page, '[data-testid=diff] .add'), 1);
    assert.ok(
      await page.locator(`[data-testid=leaderboard] tr[data-id="${id}"].selected`).isVisible(),
    );
    for (const [label, type] of [
      ['Open Block', 'open-block'],
      ['Open Diff', 'open-diff'],
      ['Train', 'train'],
    ]) {
      await page.locator('[data-testid=detail] vscode-button', { hasText: label }).click();
      await waitPosted(page, (m) => m.type === type && m.id === id);
    }
    await page.locator('[data-testid=detail] [data-report="50k"] vscode-button').click();
    await waitPosted(page, (m) => m.type === 'open-report' && m.id === id && m.rung === '50k');
    // the selected design's status changes: its detail is asked for again
    const designs = snap.designs.map((d) => (d.id === id ? { ...d, status: 'training' } : d));
    await send(page, { type: 'designs', designs, leaderboards: snap.leaderboards });
    await until(
      async () =>
        (await posted(page)).filter((m) => m.type === 'select' && m.id === id).length === 2,
      'a second select',
    );
    await shot(page, 'detail');
  },

  async 'tree click selects a design and hover shows its tooltip'(page) {
    const snap = makeSnapshot({ designs: 1, runs: 0 });
    await send(page, snap);
    await tab(page, 'tree');
    const box = await page.locator('#tree-canvas').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('#tree-tooltip').waitFor();
    assert.match(await page.locator('#tree-tooltip').textContent(), /^gpt/);
    await page.mouse.down();
    await page.mouse.up();
    await waitPosted(page, (m) => m.type === 'select' && m.id === 'gpt');
  },

  async 'state (tab, selection, hidden series, rung) is restored after a reload'(page) {
    const snap = makeSnapshot({ designs: 30, runs: 3, points: 50 });
    await send(page, snap);
    await page.locator('#legend li').first().click();
    await until(
      async () =>
        (await attr(page, '[data-testid=curves]', 'data-series')) ===
        String(snap.curves.length - 1),
      'hidden series',
    );
    await send(page, { type: 'focus', id: 'gen-0010' });
    await waitPosted(page, (m) => m.type === 'select' && m.id === 'gen-0010');
    await tab(page, 'tree');
    await page.reload();
    await waitPosted(page, (m) => m.type === 'ready');
    await send(page, snap);
    await waitPosted(page, (m) => m.type === 'select' && m.id === 'gen-0010');
    await until(
      async () =>
        (await attr(page, '[data-testid=curves]', 'data-series')) ===
        String(snap.curves.length - 1),
      'hidden series after reload',
    );
    assert.equal(await attr(page, '#tabs', 'selected-index'), '2');
    assert.equal(await attr(page, '[data-testid=detail]', 'data-pending'), 'gen-0010');
  },

  async 'stop button posts stop-training; idle hides it'(page) {
    await send(page, makeSnapshot({ designs: 10, runs: 1, points: 20, training: TRAINING }));
    await page.locator('[data-testid=stop]').click();
    await waitPosted(page, (m) => m.type === 'stop-training');
    await send(page, { type: 'training', status: null });
    assert.equal(await page.locator('[data-testid=training]').textContent(), 'idle');
    assert.ok(await page.locator('[data-testid=stop]').isHidden());
  },

  async 'empty state says what to do'(page) {
    await send(page, makeSnapshot({ designs: 0, runs: 0 }));
    await page.locator('[data-testid=empty]').waitFor();
    assert.match(
      await page.locator('[data-testid=empty]').textContent(),
      /New Discovery Workspace/,
    );
    assert.ok(await page.locator('#main').isHidden());
    await shot(page, 'empty');
  },

  async 'notices show in place as text and can be dismissed'(page) {
    await send(page, makeSnapshot({ designs: 5, runs: 1, points: 10 }));
    await send(page, {
      type: 'notice',
      level: 'error',
      text: `Run gen-0003@50k: report.json is not JSON ${EVIL}`,
    });
    await page.locator('.notice.error').waitFor();
    assert.equal(await count(page, '.notices img'), 0);
    await shot(page, 'notice');
    await page.locator('.notice.error .close').click();
    assert.equal(await count(page, '.notice'), 0);
  },

  async 'light and high-contrast themes render'(page, context) {
    for (const theme of ['light', 'high-contrast']) {
      const { page: p, errors } = await openDashboard(context, { theme });
      await send(p, makeSnapshot({ designs: 60, runs: 6, points: 300, training: TRAINING }));
      await send(p, { type: 'focus', id: 'gen-0026' });
      await send(p, { type: 'detail', detail: detailOf('gen-0026') });
      await p.waitForTimeout(200);
      await p.screenshot({ path: join(SHOTS, `theme-${theme}.png`) });
      await tab(p, 'tree');
      await p.screenshot({ path: join(SHOTS, `theme-${theme}-tree.png`) });
      assert.deepEqual(errors, []);
      await p.close();
    }
  },
};

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const filter = process.argv[2] ?? '';
  const dir = mkdtempSync(join(tmpdir(), 'blocksmith-webview-'));
  const context = await launch(dir);
  let failed = 0;
  try {
    for (const [name, fn] of Object.entries(tests).filter(([n]) => n.includes(filter))) {
      const { page, errors } = await openDashboard(context);
      try {
        await fn(page, context);
        assert.deepEqual(errors, [], 'page errors');
        assert.deepEqual(await cspViolations(page), [], 'CSP violations');
        console.log(`ok - ${name}`);
      } catch (e) {
        failed++;
        console.log(
          `not ok - ${name}\n  ${String(e.stack ?? e)
            .split('\n')
            .slice(0, 6)
            .join('\n  ')}`,
        );
        await shot(page, `FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
        console.log(`  posted: ${JSON.stringify(await posted(page).catch(() => []))}`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(failed === 0 ? '# all webview tests passed' : `# ${failed} webview test(s) failed`);
  process.exit(failed === 0 ? 0 : 1);
}

await main();
