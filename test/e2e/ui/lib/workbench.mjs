// Driving VS Code's web workbench (code-server) with Playwright as a user would: the command
// palette (F1), quick picks, editors and their title actions, views, the Problems panel, the
// status bar and webviews. Every wait is on a condition; nothing sleeps for correctness.

/** Polls `fn` until it returns a truthy value (returned); throws naming `what` after `timeoutMs`. */
export async function until(what, fn, { timeoutMs = 30_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`waited ${timeoutMs} ms for ${what}; last seen: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The workbench has rendered (editor area, status bar, activity bar). */
export async function waitForWorkbench(page) {
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
  await page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: 30_000 });
}

export const quickInput = (page) => page.locator('.quick-input-widget');
const quickRows = (page) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

export async function quickInputOpen(page) {
  return quickInput(page).isVisible();
}

/** Closes whatever quick input is open. */
export async function closeQuickInput(page) {
  if (await quickInputOpen(page)) {
    await page.keyboard.press('Escape');
    await quickInput(page).waitFor({ state: 'hidden', timeout: 5_000 });
  }
}

/** Answers an open quick input with its default: Enter in an input box, the first row of a pick. */
export async function acceptDefault(page) {
  if (await quickInput(page).locator('.quick-input-list').isVisible()) {
    await pick(page, undefined);
  } else {
    await page.keyboard.press('Enter');
  }
  await quickInput(page).waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Visible rows of the open quick pick, as text. */
export async function quickPickRows(page) {
  return (await quickRows(page).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Labels of the open quick pick's rows (without their descriptions and details). */
export async function quickPickLabels(page) {
  return quickRows(page).evaluateAll((els) =>
    els.map((el) => el.querySelector('.label-name')?.textContent?.trim() ?? ''),
  );
}

/**
 * Runs a command from the palette by its full title ("Blocksmith: Mutate Block"). A command
 * registered moments ago may not be listed yet: the palette is reopened until it is.
 */
export async function runCommand(page, title, { timeoutMs = 60_000 } = {}) {
  const exact = new RegExp(`^${escapeRe(title)}$`);
  await until(
    `"${title}" in the command palette`,
    async () => {
      await closeQuickInput(page);
      await page.keyboard.press('F1');
      const input = quickInput(page).locator('input');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`>${title}`);
      const row = quickRows(page).filter({
        has: page.locator('.label-name', { hasText: exact }),
      });
      try {
        await row.first().waitFor({ state: 'visible', timeout: 3_000 });
      } catch {
        return false;
      }
      await row.first().click();
      return true;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/**
 * The open quick pick's title (its input's aria-label), or '' when none is open and usable: not
 * the command palette (whose input starts with '>'), not closing (inert), with rows.
 */
export async function openPick(page) {
  const input = quickInput(page).locator('input');
  if (!(await quickInput(page).isVisible())) return '';
  const state = await input.evaluate((el) => ({
    value: el.value,
    inert: el.closest('[inert]') !== null,
    aria: el.getAttribute('aria-label') ?? '',
  }));
  if (state.value.startsWith('>') || state.inert) return '';
  const list = quickInput(page).locator('.quick-input-list');
  return (await list.isVisible()) && (await quickRows(page).count()) > 0 ? state.aria || '?' : '';
}

/** Waits for a quick pick that is not the command palette; resolves with its title. */
export async function waitForPick(page, timeoutMs = 30_000) {
  return until('a quick pick (not the palette)', () => openPick(page), { timeoutMs });
}

/**
 * Answers an open quick pick: clicks the row whose label is `label` (a string: exact; a RegExp:
 * matched against the label), or accepts the first row when `label` is undefined. Throws naming
 * the labels it saw.
 */
export async function pick(page, label, { timeoutMs = 30_000 } = {}) {
  const title = await waitForPick(page, timeoutMs);
  if (label === undefined) {
    await page.keyboard.press('Enter');
    await pickAnswered(page, title);
    return;
  }
  const re = typeof label === 'string' ? new RegExp(`^${escapeRe(label)}$`) : label;
  // By keyboard, as a user would: filter by the label, move to the row, Enter. (Clicking races
  // the list's layout animation.)
  if (typeof label === 'string') {
    await quickInput(page).locator('input').fill(label);
  }
  const focused = quickRows(page).and(page.locator('.focused')).locator('.label-name');
  await until(
    `a quick-pick row labelled ${re}`,
    async () => {
      const now = (await focused.count()) > 0 ? ((await focused.first().textContent()) ?? '') : '';
      if (re.test(now.trim())) return true;
      await page.keyboard.press('ArrowDown');
      throw new Error(`focused "${now}"; labels: ${(await quickPickLabels(page)).join(' | ')}`);
    },
    { timeoutMs, intervalMs: 100 },
  );
  await page.keyboard.press('Enter');
  await pickAnswered(page, title);
}

/** Resolves once the pick titled `title` has closed or given way to the next one. */
async function pickAnswered(page, title) {
  await until(`the pick "${title}" to close`, async () => (await openPick(page)) !== title, {
    timeoutMs: 10_000,
  });
}

/** Opens a workspace file with Go to File (Ctrl+P); resolves when its tab is active. */
export async function openFile(page, relPath) {
  const name = relPath.split('/').pop();
  await until(
    `Go to File to list ${relPath}`,
    async () => {
      await closeQuickInput(page);
      await page.keyboard.press('Control+P');
      const input = quickInput(page).locator('input');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(relPath);
      // The row of that file (its folder is the row's description); a busy machine may take a
      // while to index the workspace.
      const dir = relPath.split('/').slice(0, -1).join('/');
      const row = quickRows(page).filter({ hasText: name }).filter({ hasText: dir }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: 15_000 });
      } catch {
        return false;
      }
      await row.click();
      return true;
    },
    { timeoutMs: 90_000 },
  );
  await until(`the tab of ${relPath}`, async () => (await activeTabTitle(page)) === name);
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
}

/** The active editor tab's title. */
export async function activeTabTitle(page) {
  const tab = page.locator('.editor-group-container.active .tab.active').first();
  if (!(await tab.isVisible())) return '';
  // The label: its name and suffix ('block' + '.ts'), without the description a tab gets when
  // two share a name.
  return tab.evaluate((el) =>
    [...el.querySelectorAll('.label-name, .label-suffix')]
      .map((n) => n.textContent ?? '')
      .join('')
      .trim(),
  );
}

/** Clicks an action of the active editor's title bar by its label ("Accept Proposal"). */
export async function clickEditorAction(page, label) {
  const action = page
    .locator(`.editor-group-container.active .editor-actions .action-label[aria-label*="${label}"]`)
    .first();
  await until(`"${label}" in the editor title bar`, () => action.isVisible(), {
    timeoutMs: 30_000,
  });
  await action.click();
}

/** Opens the Blocksmith activity-bar container (from the palette). */
export async function showBlocksmithViews(page) {
  await runCommand(page, 'Blocksmith: Focus on Evolution Tree View');
  await quickInput(page).waitFor({ state: 'hidden', timeout: 5_000 });
  await pane(page, 'Evolution Tree').waitFor({ state: 'visible', timeout: 30_000 });
}

/** A view's pane in the side bar, by its header title. */
export function pane(page, title) {
  return page
    .locator('.part.sidebar .pane')
    .filter({ has: page.locator('.pane-header', { hasText: title }) })
    .first();
}

/**
 * Every rendered row of a tree view: its label, its description and both as one text ("gpt2-1
 * verified"). (innerText would glue the label to its description.)
 */
export async function treeRows(page, title) {
  const rows = pane(page, title).locator('.pane-body .monaco-list-row');
  return rows.evaluateAll((els) =>
    els.map((el) => {
      const part = (sel) => el.querySelector(sel)?.textContent?.trim() ?? '';
      const label = part('.label-name');
      const description = part('.label-description');
      return { label, description, text: `${label} ${description}`.trim() };
    }),
  );
}

/**
 * The row of a tree view labelled `id` (the label's first word); expands collapsed rows until it
 * shows (a child design sits under its parent). Resolves with the row ({ label, description,
 * text }).
 */
export async function findTreeRow(page, title, id, { timeoutMs = 30_000 } = {}) {
  return until(
    `"${id}" in the ${title} view`,
    async () => {
      const rows = await treeRows(page, title);
      const hit = rows.find((r) => r.label.split(/\s/)[0] === id);
      if (hit) return hit;
      const collapsed = pane(page, title).locator(
        '.pane-body .monaco-list-row .monaco-tl-twistie.collapsible.collapsed',
      );
      if ((await collapsed.count()) > 0) await collapsed.first().click();
      throw new Error(`rows: ${rows.map((r) => r.text).join(' | ')}`);
    },
    { timeoutMs },
  );
}

/** The welcome content of a view (its viewsWelcome text), '' when none shows. */
export async function welcomeText(page, title) {
  const w = pane(page, title).locator('.welcome-view-content');
  return (await w.count()) > 0 ? (await w.first().innerText()).replace(/\s+/g, ' ') : '';
}

/** Rows of the Problems panel (opened from the palette), as text. */
export async function problemsRows(page) {
  const rows = page.locator('.markers-panel .monaco-list-row');
  return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** A status bar item by id (`blocksmith.training`): visible text, '' when absent. */
export async function statusItemText(page, id) {
  const item = page.locator(`.part.statusbar .statusbar-item[id$="${id}"]`).first();
  if ((await item.count()) === 0 || !(await item.isVisible())) return '';
  return (await item.innerText()).replace(/\s+/g, ' ').trim();
}

/** The active webview's content frame (VS Code nests it: iframe.webview.ready > #active-frame). */
export function webview(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}
