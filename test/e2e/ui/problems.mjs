// Live diagnostics: type a forbidden global into a seed block and see the static check's id in
// the Problems panel, without saving and without running Verify.
import { openFile, problemsRows, runCommand, until, waitForWorkbench } from './lib/workbench.mjs';

const CHECK_ID = 'static/forbidden-global';

export const flows = [
  {
    name: 'problems',
    workspace: 'seeded',
    timeoutMs: 180_000,
    async run(ctx) {
      const { page, shot } = ctx;
      await waitForWorkbench(page);
      await openFile(page, 'designs/gpt2/block.ts');
      // The end of the file: a top-level statement that reads the host clock.
      await page
        .locator('.editor-group-container.active .monaco-editor .view-lines')
        .first()
        .click();
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('const startedAt = Date.now();', { delay: 15 });
      await shot('typed-error');
      await runCommand(page, 'Problems: Focus on Problems View');
      const row = await until(
        `a ${CHECK_ID} row in the Problems panel`,
        async () => (await problemsRows(page)).find((r) => r.includes(CHECK_ID)),
        { timeoutMs: 60_000, intervalMs: 300 },
      );
      ctx.log(`problem: ${row}`);
      await shot('problems-panel');
    },
  },
];
