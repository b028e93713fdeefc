// Command handlers never throw into the extension host: a failure becomes an error message the
// user can act on, with the details in the Blocksmith log channel.
import * as vscode from 'vscode';

export type Handler = (...args: unknown[]) => unknown;

/**
 * Wraps `fn` so that any throw or rejection is reported, not propagated; otherwise it resolves
 * with what `fn` returned (commands such as Train on Ladder answer their callers).
 */
export function safe(
  name: string,
  log: vscode.OutputChannel,
  fn: Handler,
): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      log.appendLine(`[${name}] failed: ${e instanceof Error ? (e.stack ?? msg) : msg}`);
      void vscode.window
        .showErrorMessage(`Blocksmith: ${name} failed: ${msg}`, 'Show Log')
        .then((pick) => {
          if (pick === 'Show Log') {
            log.show(true);
          }
        });
      return undefined;
    }
  };
}

/** Registers command `id` with its handler wrapped by safe(). */
export function safeCommand(
  log: vscode.OutputChannel,
  id: string,
  name: string,
  fn: Handler,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, safe(name, log, fn));
}
