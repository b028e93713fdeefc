// In-host: the extension activates in the e2e discovery workspace and registers every command
// its manifest contributes (a command in package.json with no handler fails only when clicked).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HostTest } from './types';

const EXTENSION_ID = 'blocksmith.blocksmith';

interface Manifest {
  readonly contributes?: { readonly commands?: readonly { readonly command: string }[] };
}

async function activated(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in the development host`);
  await ext.activate();
  return ext;
}

export const tests: HostTest[] = [
  {
    name: 'the workspace is the seeded discovery workspace',
    async run() {
      const folders = vscode.workspace.workspaceFolders ?? [];
      assert.equal(folders.length, 1, 'one workspace folder');
      const files = await vscode.workspace.findFiles('designs/*/block.ts');
      assert.ok(files.length >= 5, `the seed blocks (found ${files.length})`);
    },
  },
  {
    name: 'the extension activates',
    async run() {
      const ext = await activated();
      assert.equal(ext.isActive, true);
    },
  },
  {
    name: 'every contributed command is registered',
    async run() {
      const ext = await activated();
      const manifest = ext.packageJSON as Manifest;
      const declared = (manifest.contributes?.commands ?? []).map((c) => c.command);
      assert.ok(declared.length > 0, 'the manifest declares commands');
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = declared.filter((id) => !registered.has(id));
      assert.deepEqual(missing, [], `commands without a handler: ${missing.join(', ')}`);
    },
  },
];
