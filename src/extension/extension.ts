// The extension's entry: registers the commands and the views. Only src/extension imports
// 'vscode'; everything else is the same core the CLI runs.
import * as vscode from 'vscode';
import { newWorkspace, showUnitTree, verifyBlock } from './commands';
import { safeCommand } from './safe';
import { registerLiveDiagnostics } from './live-diagnostics';
import { registerProposals } from './proposals';
import { makeServices } from './services';
import { deactivateTraining, registerTraining } from './training';

export function activate(context: vscode.ExtensionContext): void {
  const s = makeServices(context);
  // The welcome view's "not trusted" text keys on our own context key: the built-in
  // isWorkspaceTrusted can read false before trust is resolved, and in a trusted folder it showed.
  const untrusted = (): Thenable<unknown> =>
    vscode.commands.executeCommand(
      'setContext',
      'blocksmith.untrusted',
      !vscode.workspace.isTrusted,
    );
  void untrusted();
  const register = (id: string, name: string, fn: () => Promise<void>): vscode.Disposable =>
    safeCommand(s.log, id, name, fn);
  context.subscriptions.push(
    // Train on Ladder, Stop, Evolve/Pause/Resume, the dashboard, the status bar item.
    ...registerTraining(s),
    // Live static diagnostics + quick fixes; keeps Verify Block's results placed as you edit.
    ...registerLiveDiagnostics(s),
    // Mutate/Crossover/Scratch, Accept/Reject, the Evolution Tree and Review Queue, the API key.
    ...registerProposals(s),
    register('blocksmith.newWorkspace', 'New Discovery Workspace', () => newWorkspace(s)),
    register('blocksmith.verifyBlock', 'Verify Block', () => verifyBlock(s)),
    register('blocksmith.showUnitTree', 'Show Unit Tree', showUnitTree),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void untrusted()),
  );
}

/** Stops the trainer and the evolution loop with a checkpoint; the rest goes with context.subscriptions. */
export async function deactivate(): Promise<void> {
  await deactivateTraining();
}
