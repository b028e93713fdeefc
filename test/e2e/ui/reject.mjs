// Rejecting a proposal changes nothing else: the design is 'rejected' in its design.json, the
// parent's files keep their bytes, nothing trains.
import assert from 'node:assert/strict';
import { blockBytes, hasRuns, readDesign } from './lib/disk.mjs';
import { proposeMutation } from './lib/propose.mjs';
import {
  clickEditorAction,
  acceptDefault,
  quickInput,
  statusItemText,
  until,
  waitForWorkbench,
} from './lib/workbench.mjs';

const PARENT = 'retnet';

export const flows = [
  {
    name: 'reject',
    workspace: 'seeded',
    timeoutMs: 300_000,
    async run(ctx) {
      const { page, ws, shot } = ctx;
      await waitForWorkbench(page);
      const block = blockBytes(ws, PARENT);
      const { id } = await proposeMutation(page, PARENT, shot);
      // The store's first open stamps the seeds' design.json (hash, time): compare from here.
      const design = readDesign(ws, PARENT);
      ctx.log(`proposal ${id}`);
      await shot('diff');
      await clickEditorAction(page, 'Reject Proposal');
      // A confirmation or a reason box, if the command asks: the default answer.
      const asked = await until(
        `design.json of ${id} to say 'rejected', or a question`,
        async () =>
          readDesign(ws, id)?.status === 'rejected'
            ? 'done'
            : (await quickInput(page).isVisible())
              ? 'quick'
              : (await page.locator('.monaco-dialog-box').isVisible())
                ? 'dialog'
                : false,
        { timeoutMs: 60_000 },
      );
      if (asked === 'quick') await acceptDefault(page);
      if (asked === 'dialog') {
        await page
          .locator('.monaco-dialog-box .monaco-button', { hasText: /Reject/ })
          .first()
          .click();
      }
      await until(
        `design.json of ${id} to say 'rejected'`,
        () => readDesign(ws, id)?.status === 'rejected',
      );
      await shot('rejected');
      assert.ok(blockBytes(ws, PARENT).equals(block), `${PARENT}/block.ts changed`);
      assert.deepEqual(readDesign(ws, PARENT), design, `${PARENT}/design.json changed`);
      assert.equal(hasRuns(ws, id), false, `a run of the rejected ${id} started`);
      assert.equal(await statusItemText(page, 'blocksmith.training'), '', 'nothing trains');
    },
  },
];
