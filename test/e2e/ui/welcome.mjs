// A folder with no designs: the Evolution Tree shows its welcome text and the action that makes
// a discovery workspace.
import assert from 'node:assert/strict';
import {
  pane,
  showBlocksmithViews,
  until,
  waitForWorkbench,
  welcomeText,
} from './lib/workbench.mjs';

export const flows = [
  {
    name: 'welcome',
    workspace: 'empty',
    timeoutMs: 120_000,
    async run(ctx) {
      const { page, shot } = ctx;
      await waitForWorkbench(page);
      await showBlocksmithViews(page);
      const text = await until('the Evolution Tree welcome text', () =>
        welcomeText(page, 'Evolution Tree'),
      );
      ctx.log(`welcome: ${text.slice(0, 120)}`);
      assert.match(text, /No designs in this workspace yet/);
      const button = pane(page, 'Evolution Tree').locator('.welcome-view-content .monaco-button', {
        hasText: 'New Discovery Workspace',
      });
      assert.equal(await button.isVisible(), true, 'the New Discovery Workspace button');
      await shot('welcome');
      // The suite's workspaces are trusted: the untrusted note must not show (it once did, keyed
      // on isWorkspaceTrusted before trust was resolved).
      assert.doesNotMatch(await welcomeText(page, 'Evolution Tree'), /not trusted/);
    },
  },
];
