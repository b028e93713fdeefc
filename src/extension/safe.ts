// Command handlers never throw into the extension host: a failure becomes an error message the
// user can act on, with the details in the Blocksmith output channel.
import * as vscode from 'vscode';

export type Handler = (...args: unknown[]) => unknown;

/** Wraps `fn` so that any throw or rejection is reported, not propagated. */
export function safe(name: string, log: vscode.OutputChannel, fn: Handler): Handler {
  return async (...args: unknown[]) => {
    try {
      await fn(...args);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      log.appendLine(`[${name}] failed: ${e instanceof Error ? (e.stack ?? msg) : msg}`);
      void vscode.window
        .showErrorMessage(`Blocksmith: ${name} failed: ${msg}`, 'Show Output')
        .then((pick) => {
          if (pick === 'Show Output') {
            log.show(true);
          }
        });
    }
  };
}
