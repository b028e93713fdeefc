// The extension's entry: registers the commands and the Designs view. Only src/extension imports
// 'vscode'; everything else is the same core the CLI runs.
import * as vscode from 'vscode';
import { newWorkspace, showUnitTree, verifyBlock } from './commands';
import type { Services } from './commands';
import { DesignsProvider } from './designsView';
import { safe } from './safe';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Blocksmith');
  const diagnostics = vscode.languages.createDiagnosticCollection('blocksmith');
  const designs = new DesignsProvider();
  const services: Services = {
    log,
    diagnostics,
    refreshDesigns: () => {
      designs.refresh();
    },
  };
  const register = (id: string, name: string, fn: () => Promise<void>): vscode.Disposable =>
    vscode.commands.registerCommand(id, safe(name, log, fn));
  context.subscriptions.push(
    log,
    diagnostics,
    designs,
    vscode.window.registerTreeDataProvider('blocksmith.designs', designs),
    register('blocksmith.newWorkspace', 'New Discovery Workspace', () => newWorkspace(services)),
    register('blocksmith.verifyBlock', 'Verify Block', () => verifyBlock(services)),
    register('blocksmith.showUnitTree', 'Show Unit Tree', showUnitTree),
    register('blocksmith.refreshDesigns', 'Refresh Designs', () => {
      designs.refresh();
      return Promise.resolve();
    }),
    // A stale diagnostic would point at code that has changed: clear a file's on edit.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) {
        diagnostics.delete(e.document.uri);
      }
    }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
