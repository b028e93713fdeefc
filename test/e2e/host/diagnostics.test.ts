// In-host: live diagnostics in the real VS Code. An error typed into a seed block shows with its
// check id at its line without saving; a quick fix removes it; closing a block clears its live
// results; a dynamic failure of Verify Block sits on the unit it names and turns into "before
// your edits" information once that unit is edited. Under bench/diagnostics.mjs
// (BLOCKSMITH_DIAG_BENCH=1) this file runs the keystroke-to-diagnostic benchmark instead.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { benchTests } from './bench-diagnostics';
import {
  activate,
  blocksmithDiagnostics,
  codeOf,
  quickFixes,
  replaceText,
  revertAndClose,
  seedUri,
  show,
  showUntitled,
  waitFor,
} from './diag-support';
import type { HostTest } from './types';

/** Puts an error in the seed, waits for its diagnostic, applies the fix titled `title`. */
async function fixRoundTrip(
  doc: vscode.TextDocument,
  inject: [string, string],
  id: string,
  title: string,
): Promise<void> {
  const original = doc.getText();
  const range = await replaceText(doc, inject[0], inject[1]);
  const diag = await waitFor(`a live ${id} diagnostic on line ${range.start.line + 1}`, () =>
    blocksmithDiagnostics(doc.uri, id).find((d) => d.range.start.line === range.start.line),
  );
  const fixes = await quickFixes(doc.uri, diag.range);
  const fix = fixes.find((a) => a.title === title);
  assert.ok(fix?.edit, `a quick fix '${title}' among: ${fixes.map((a) => a.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  await waitFor(`the ${id} diagnostic to go after the fix`, () =>
    blocksmithDiagnostics(doc.uri, id).length === 0 ? true : undefined,
  );
  assert.equal(doc.getText(), original, 'the fix restores the seed exactly');
}

const liveTests: HostTest[] = [
  {
    name: 'a forbidden global typed into a seed shows live with its check id at its line',
    async run() {
      await activate();
      const editor = await show(await seedUri());
      const doc = editor.document;
      const last = doc.lineCount - 1;
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, doc.lineAt(last).range.end, '\nconst startedAt = Date.now();\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const diag = await waitFor('a live static/forbidden-global diagnostic', () =>
        blocksmithDiagnostics(doc.uri, 'static/forbidden-global').at(0),
      );
      assert.equal(diag.range.start.line, last + 1, 'on the typed line');
      assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(doc.isDirty, true, 'shown without saving');
      await revertAndClose();
      await waitFor('the diagnostics to clear after revert and close', () =>
        blocksmithDiagnostics(doc.uri).length === 0 ? true : undefined,
      );
    },
  },
  {
    name: 'quick fix: a near-miss op name -> "Change to ops.rmsNorm"',
    async run() {
      await activate();
      const { document: doc } = await show(await seedUri());
      try {
        await fixRoundTrip(
          doc,
          ['ops.rmsNorm(', 'ops.rmsNorn('],
          'static/compile',
          'Change to ops.rmsNorm',
        );
      } finally {
        await revertAndClose();
      }
    },
  },
  {
    name: 'quick fix: an import from another module -> "Import from \'blocksmith/gab\'"',
    async run() {
      await activate();
      const { document: doc } = await show(await seedUri());
      try {
        await fixRoundTrip(
          doc,
          ["from 'blocksmith/gab'", "from '@tensorflow/tfjs-core'"],
          'static/forbidden-import',
          "Import from 'blocksmith/gab'",
        );
      } finally {
        await revertAndClose();
      }
    },
  },
  {
    name: 'a block file with no default export gets one from its quick fix',
    async run() {
      await activate();
      const { document: doc } = await show(await seedUri());
      try {
        const line = "export default block({ name: 'gpt2', hparams, root: GPT2Block });";
        await replaceText(doc, line, '');
        const diag = await waitFor('a static/unit-structure diagnostic', () =>
          blocksmithDiagnostics(doc.uri, 'static/unit-structure').at(0),
        );
        const fixes = await quickFixes(doc.uri, diag.range);
        const fix = fixes.find((a) => a.title.startsWith('Add export default'));
        assert.ok(
          fix?.edit,
          `an "Add export default" fix among ${fixes.map((a) => a.title).join(' | ')}`,
        );
        assert.ok(await vscode.workspace.applyEdit(fix.edit));
        await waitFor('no static/unit-structure diagnostic', () =>
          blocksmithDiagnostics(doc.uri, 'static/unit-structure').length === 0 ? true : undefined,
        );
        assert.ok(doc.getText().includes(line), 'the same export line comes back');
      } finally {
        await revertAndClose();
      }
    },
  },
  {
    name: 'an untitled file importing blocksmith/gab is checked; closing it clears its results',
    async run() {
      await activate();
      const text = "import { ops } from 'blocksmith/gab';\nexport const y = ops.nope;\n";
      const { document: doc } = await showUntitled(text);
      const uri = doc.uri;
      await waitFor('a static/compile diagnostic on the untitled block', () =>
        blocksmithDiagnostics(uri, 'static/compile').at(0),
      );
      await revertAndClose();
      await waitFor('its live diagnostics to clear on close', () =>
        blocksmithDiagnostics(uri).length === 0 ? true : undefined,
      );
    },
  },
  {
    name: 'Verify Block: a dynamic failure sits on the unit it names; stale after editing that unit',
    async run() {
      await activate();
      const { document: doc } = await show(await seedUri());
      const mhaLine = doc
        .getText()
        .split('\n')
        .findIndex((l) => l.startsWith('const MHA ='));
      try {
        // Statically fine, fails at run time: a parameter name with '/' (GabError names the unit).
        await replaceText(doc, "c.param('wo',", "c.param('w/o',");
        // Verify Block verifies the active editor's document.
        await vscode.window.showTextDocument(doc, { preview: false });
        assert.equal(
          vscode.window.activeTextEditor?.document,
          doc,
          'the seed is the active editor',
        );
        // verifyBlock awaits the result notification: do not await the command itself.
        void vscode.commands.executeCommand('blocksmith.verifyBlock');
        const diag = await waitFor(
          'a dynamic/forward-shape diagnostic on the MHA unit',
          () =>
            blocksmithDiagnostics(doc.uri, 'dynamic/forward-shape').find(
              (d) => d.range.start.line === mhaLine,
            ),
          60_000,
        ).catch((err: unknown) => {
          const seen = vscode.languages
            .getDiagnostics(doc.uri)
            .map(
              (d) => `${d.source ?? '?'} ${codeOf(d) ?? '-'} ${d.range.start.line}: ${d.message}`,
            );
          throw new Error(`${String(err)}; diagnostics now: ${seen.join(' | ') || 'none'}`);
        });
        assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
        // An edit in a unit MHA does not reach: still an error.
        await replaceText(doc, 'Math.max(8,', 'Math.max(16,');
        await new Promise((r) => setTimeout(r, 400));
        const kept = blocksmithDiagnostics(doc.uri, 'dynamic/forward-shape');
        assert.deepEqual(
          kept.map((d) => [d.range.start.line, d.severity]),
          [[mhaLine, vscode.DiagnosticSeverity.Error]],
        );
        // An edit of MHA itself: kept, as information from before the edit.
        await replaceText(doc, "c.param('w/o',", "c.param('wo',");
        const stale = await waitFor('the MHA diagnostic to turn stale', () =>
          blocksmithDiagnostics(doc.uri, 'dynamic/forward-shape').find(
            (d) => d.severity === vscode.DiagnosticSeverity.Information,
          ),
        );
        assert.match(stale.message, /^From the last Verify Block, before your edits to MHA/);
      } finally {
        await vscode.commands.executeCommand('notifications.clearAll');
        await revertAndClose();
      }
    },
  },
];

export const tests: HostTest[] = process.env.BLOCKSMITH_DIAG_BENCH ? benchTests : liveTests;
