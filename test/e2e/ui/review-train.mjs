// The researcher's main path, palette only: mutate a seed block with the offline designer, review
// the diff, accept, see the design in the Evolution Tree, train it at the smallest rung, watch the
// dashboard's curve grow, and see the tree mark it trained.
import assert from 'node:assert/strict';
import { metricLines, readDesign, readReport } from './lib/disk.mjs';
import { proposeMutation } from './lib/propose.mjs';
import {
  clickEditorAction,
  findTreeRow,
  pick,
  openPick,
  quickPickLabels,
  runCommand,
  showBlocksmithViews,
  statusItemText,
  until,
  waitForWorkbench,
  webview,
} from './lib/workbench.mjs';

const RUNG = '50k';

/** Answers Train on Ladder's pickers, if any: the design `id`, then the smallest rung. */
async function answerTrainPickers(page, id) {
  for (let i = 0; i < 3; i++) {
    const open = await until(
      'a training picker or the run',
      async () =>
        (await openPick(page))
          ? 'pick'
          : (await statusItemText(page, 'blocksmith.training'))
            ? 'run'
            : false,
      { timeoutMs: 30_000 },
    );
    if (open === 'run') return;
    const labels = await quickPickLabels(page);
    const first = (l) => l.split(/\s/)[0];
    const want = labels.find((l) => first(l) === id) ?? labels.find((l) => first(l) === RUNG);
    await pick(page, want);
  }
}

async function acceptInDiff(ctx, id) {
  const { page, ws, shot } = ctx;
  await clickEditorAction(page, 'Accept Proposal');
  const rec = await until(
    `design.json of ${id} to say 'verified'`,
    () => readDesign(ws, id)?.status === 'verified' && readDesign(ws, id),
    { timeoutMs: 180_000, intervalMs: 500 },
  );
  assert.equal(rec.operator, 'mutate');
  await showBlocksmithViews(page);
  const row = await findTreeRow(page, 'Evolution Tree', id);
  ctx.log(`tree row after accept: ${row.text}`);
  await shot('accepted-in-tree');
}

/** The dashboard's curve points (data-points of [data-testid=curves]); 0 before any. */
async function curvePoints(page) {
  const curves = webview(page).locator('[data-testid=curves]');
  if ((await curves.count()) === 0) return 0;
  return Number((await curves.getAttribute('data-points')) ?? '0');
}

/**
 * Trains `id` at the smallest rung and watches the dashboard, opened once the run shows in the
 * status bar (the e2e steps scale makes the run last about 20 s: long enough to see it grow).
 */
async function trainAndWatch(ctx, id) {
  const { page, ws, shot } = ctx;
  await runCommand(page, 'Blocksmith: Train on Ladder');
  await answerTrainPickers(page, id);
  const status = await until('the training status bar item', () =>
    statusItemText(page, 'blocksmith.training'),
  );
  assert.match(status, new RegExp(id), `the status bar item names the design: "${status}"`);
  await shot('training-status');
  await runCommand(page, 'Blocksmith: Open Dashboard');
  await webview(page).locator('[data-testid=curves], [data-testid=empty]').first().waitFor({
    state: 'attached',
    timeout: 60_000,
  });
  const before = await curvePoints(page);
  await shot('dashboard-open');
  const reads = [before];
  // What the dashboard and the status bar showed, for the failure message.
  const seen = [];
  const t0 = Date.now();
  for (let i = 0; i < 2; i++) {
    const last = reads[reads.length - 1];
    reads.push(
      await until(
        `the curves to grow past ${last} points (reads so far: ${reads.join(', ')})`,
        async () => {
          const n = await curvePoints(page);
          if (n > last) return n;
          const header = webview(page).locator('[data-testid=training]');
          const said = (await header.count()) > 0 ? await header.first().innerText() : '-';
          const bar = await statusItemText(page, 'blocksmith.training');
          const state = `${n} points; header "${said}"; status bar "${bar}"`;
          if (seen.at(-1)?.state !== state) seen.push({ t: Date.now() - t0, state });
          const shown = seen.length > 6 ? [...seen.slice(0, 3), ...seen.slice(-3)] : seen;
          const story = shown.map((x) => `${x.t} ms: ${x.state}`).join(' / ');
          throw new Error(`${state}; seen (${seen.length} states, first and last): ${story}`);
        },
        { timeoutMs: 120_000, intervalMs: 200 },
      ),
    );
    await shot(`dashboard-grown-${i + 1}`);
  }
  ctx.log(`curve points read: ${reads.join(' -> ')}`);
  const report = await until(`${RUNG} report.json of ${id}`, () => readReport(ws, id, RUNG), {
    timeoutMs: 240_000,
    intervalMs: 1000,
  });
  ctx.log(`run ended: status ${report.status ?? '?'}, ${metricLines(ws, id, RUNG)} metric lines`);
  await until(
    'the status bar item to go',
    async () => !(await statusItemText(page, 'blocksmith.training')),
  );
  await shot('dashboard-done');
  return report;
}

export const flows = [
  {
    name: 'review-train',
    workspace: 'seeded',
    timeoutMs: 600_000,
    async run(ctx) {
      const { page, ws, shot } = ctx;
      await waitForWorkbench(page);
      await shot('workbench');
      const { id, title } = await proposeMutation(page, 'gpt2', shot);
      ctx.log(`proposal ${id}: "${title}"`);
      assert.equal(readDesign(ws, id)?.status, 'pending-review', 'a proposal waits for review');
      await shot('diff');
      await acceptInDiff(ctx, id);
      await trainAndWatch(ctx, id);
      await showBlocksmithViews(page);
      const row = await until(`the tree to show ${id} trained at ${RUNG}`, async () => {
        const { text } = await findTreeRow(page, 'Evolution Tree', id);
        if (text.includes(RUNG) || /trained/i.test(text)) return text;
        throw new Error(`row "${text}"`);
      });
      ctx.log(`tree row after training: ${row}`);
      assert.equal(readDesign(ws, id)?.status, 'trained');
      await shot('trained-in-tree');
    },
  },
];
