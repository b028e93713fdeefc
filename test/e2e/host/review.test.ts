// In-host: proposals and review through their commands in the real extension host. Mutate a seed
// with the offline designer -> a pending design and its diff editor; Accept -> 'verified'; Reject
// another -> 'rejected' with the parent's bytes unchanged and its editors closed; an edited
// proposal that breaks a check is not accepted (it stays pending, its problems are shown).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { HostTest } from './types';

const EXTENSION_ID = 'blocksmith.blocksmith';
const PARENT = 'gpt2';

interface Json {
  readonly id: string;
  readonly status: string;
  readonly parents: string[];
  readonly operator: string;
  readonly unit?: string;
  readonly review?: { decision?: string; edited?: boolean; reason?: string };
}

function root(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the e2e workspace is open');
  return f.uri.fsPath;
}

const blockFile = (id: string): string => join(root(), 'designs', id, 'block.ts');
const read = (id: string): Json =>
  JSON.parse(readFileSync(join(root(), 'designs', id, 'design.json'), 'utf8')) as Json;
const ids = (): Set<string> =>
  new Set(readdirSync(join(root(), 'designs')).filter((n) => !n.startsWith('.')));

async function ready(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is loaded`);
  await ext.activate();
  assert.ok(
    vscode.workspace.isTrusted,
    'the e2e workspace must be trusted: Mutate Block and Accept run block code (start the server with --disable-workspace-trust)',
  );
  const cfg = vscode.workspace.getConfiguration('blocksmith.llm');
  assert.equal(cfg.get('baseUrl', ''), '', 'the e2e workspace uses the offline designer');
}

/** Mutate Block on the parent's MLP; retried when the draw was a duplicate or invalid. */
async function mutate(): Promise<string> {
  for (let attempt = 1; attempt <= 4; attempt++) {
    const before = ids();
    await vscode.commands.executeCommand('blocksmith.mutateBlock', {
      id: PARENT,
      unit: 'GatedMLP',
      instruction: '',
    });
    const made = [...ids()].filter((id) => !before.has(id));
    const pending = made.find((id) => read(id).status === 'pending-review');
    if (pending !== undefined) {
      return pending;
    }
  }
  throw new Error(`Mutate Block made no pending proposal of ${PARENT} in 4 tries`);
}

const diffTabs = (id: string): vscode.Tab[] =>
  vscode.window.tabGroups.all.flatMap((g) =>
    g.tabs.filter(
      (t) =>
        t.input instanceof vscode.TabInputTextDiff && t.input.modified.fsPath === blockFile(id),
    ),
  );

export const tests: HostTest[] = [
  {
    name: 'Mutate Block (offline) stores a pending proposal and opens its diff; Accept verifies it',
    async run() {
      await ready();
      const id = await mutate();
      const rec = read(id);
      assert.deepEqual(rec.parents, [PARENT]);
      assert.equal(rec.unit, 'GatedMLP');
      const tabs = diffTabs(id);
      assert.equal(tabs.length, 1, 'one diff editor of the proposal');
      assert.equal(tabs[0].label, `${PARENT} ↔ ${id} (proposal)`);
      const left = (tabs[0].input as vscode.TabInputTextDiff).original;
      assert.equal(left.scheme, 'blocksmith-parent');
      const parentDoc = await vscode.workspace.openTextDocument(left);
      assert.equal(parentDoc.getText(), readFileSync(blockFile(PARENT), 'utf8'));
      await vscode.commands.executeCommand('blocksmith.acceptProposal', { id });
      const after = read(id);
      assert.equal(after.status, 'verified');
      assert.equal(after.review?.decision, 'accepted');
      assert.equal(after.review.edited, false);
      assert.equal(diffTabs(id).length, 0, 'the diff gives way to the accepted block');
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, blockFile(id));
    },
  },
  {
    name: 'Reject Proposal marks it rejected, closes its diff and leaves the parent byte for byte',
    async run() {
      await ready();
      const parentBlock = readFileSync(blockFile(PARENT));
      const parentJson = readFileSync(join(root(), 'designs', PARENT, 'design.json'));
      const id = await mutate();
      assert.equal(diffTabs(id).length, 1);
      await vscode.commands.executeCommand('blocksmith.rejectProposal', { id, reason: 'e2e' });
      const rec = read(id);
      assert.equal(rec.status, 'rejected');
      assert.equal(rec.review?.decision, 'rejected');
      assert.equal(rec.review.reason, 'e2e');
      assert.equal(diffTabs(id).length, 0, 'the diff editor is closed');
      assert.ok(readFileSync(blockFile(PARENT)).equals(parentBlock), 'parent block.ts unchanged');
      assert.ok(
        readFileSync(join(root(), 'designs', PARENT, 'design.json')).equals(parentJson),
        'parent design.json unchanged',
      );
    },
  },
  {
    name: 'an edited proposal that breaks a check is not accepted and shows its problems',
    async run() {
      await ready();
      const id = await mutate();
      const uri = vscode.Uri.file(blockFile(id));
      const doc = await vscode.workspace.openTextDocument(uri);
      const edit = new vscode.WorkspaceEdit();
      // A block may import only the contract: this breaks the static allowlist check.
      edit.insert(uri, new vscode.Position(0, 0), "import { readFileSync } from 'node:fs';\n");
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.equal(doc.isDirty, true);
      await vscode.commands.executeCommand('blocksmith.acceptProposal', { id });
      assert.equal(read(id).status, 'pending-review', 'still waiting for review');
      assert.equal(doc.isDirty, false, 'the edit was saved, not lost');
      const problems = vscode.languages
        .getDiagnostics(uri)
        .filter((d) => d.source === 'blocksmith' && d.severity === vscode.DiagnosticSeverity.Error);
      assert.ok(problems.length > 0, 'the failed checks are in the Problems panel');
      await vscode.commands.executeCommand('blocksmith.rejectProposal', { id, reason: 'e2e' });
      assert.equal(read(id).status, 'rejected');
    },
  },
  {
    name: 'Crossover and Design from Scratch each add a proposal of their operator',
    async run() {
      await ready();
      for (const [command, arg, operator] of [
        ['blocksmith.crossover', { ids: [PARENT, 'mamba2'] }, 'crossover'],
        ['blocksmith.designFromScratch', undefined, 'scratch'],
      ] as const) {
        const before = ids();
        await vscode.commands.executeCommand(command, arg);
        const made = [...ids()].filter((id) => !before.has(id)).map(read);
        assert.equal(made.length, 1, `${command} added one design`);
        assert.equal(made[0].operator, operator);
        assert.ok(['pending-review', 'invalid'].includes(made[0].status), made[0].status);
        if (made[0].status === 'pending-review') {
          await vscode.commands.executeCommand('blocksmith.rejectProposal', {
            id: made[0].id,
            reason: 'e2e',
          });
        }
      }
    },
  },
];
