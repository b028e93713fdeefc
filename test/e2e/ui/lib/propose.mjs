// The proposal steps two flows share: open a seed block, Mutate Block from the palette, pick a
// unit, accept the (optional) instruction box, wait for the proposal's diff editor.
import { activeTabTitle, openFile, pick, quickInput, runCommand, until } from './workbench.mjs';

/** The diff editor's title per the shared plan: "<parent> ↔ <id> (proposal)". */
export const PROPOSAL_TITLE = /^(\S+) ↔ (\S+) \(proposal\)$/;

/**
 * Proposes a mutation of designs/<parent>/block.ts; resolves { id, title } once the diff editor
 * shows. `shot` takes screenshots along the way.
 */
export async function proposeMutation(page, parent, shot, { instruction = '' } = {}) {
  await openFile(page, `designs/${parent}/block.ts`);
  await shot(`open-${parent}`);
  await runCommand(page, 'Blocksmith: Mutate Block');
  // The unit tree of the active block: any unit will do; the first is the root.
  await pick(page, undefined);
  await shot('unit-picked');
  // The instruction box (an input box: no list rows), optional: type, then Enter.
  const box = await until(
    'the instruction box or the proposal',
    async () => {
      if (PROPOSAL_TITLE.test(await activeTabTitle(page))) return 'diff';
      const open = await quickInput(page).isVisible();
      const list = quickInput(page).locator('.quick-input-list');
      return open && !(await list.isVisible()) ? 'box' : false;
    },
    { timeoutMs: 30_000 },
  );
  if (box === 'box') {
    if (instruction) await page.keyboard.type(instruction);
    await page.keyboard.press('Enter');
  }
  // The offline designer proposes, the verifier checks, then the diff opens.
  const title = await until(
    'the proposal diff editor',
    async () => {
      const t = await activeTabTitle(page);
      const diff = page.locator('.editor-group-container.active .monaco-diff-editor');
      return PROPOSAL_TITLE.test(t) && (await diff.isVisible()) ? t : false;
    },
    { timeoutMs: 180_000, intervalMs: 500 },
  );
  const [, parentShown, id] = PROPOSAL_TITLE.exec(title);
  if (parentShown !== parent) {
    throw new Error(`the diff's parent is "${parentShown}", expected "${parent}" ("${title}")`);
  }
  return { id, title };
}
