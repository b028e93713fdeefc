// Set API Key / Clear API Key: the LLM endpoint's key lives in VS Code's SecretStorage only (never
// in settings, the store or a log line; s.apiKey() reads it back).
import * as vscode from 'vscode';
import { safeCommand } from './safe';
import { API_KEY_SECRET, type Services } from './services';

async function setApiKey(s: Services): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'Blocksmith: API key of the LLM endpoint',
    prompt:
      'Kept in VS Code’s secret storage, never in settings or logs. Local servers (Ollama, vLLM, LM Studio) need none.',
    password: true,
    ignoreFocusOut: true,
    placeHolder: 'sk-…',
    validateInput: (v) => (v.trim() === '' ? 'Type the key, or press Escape to cancel' : undefined),
  });
  if (key === undefined) {
    return;
  }
  await s.context.secrets.store(API_KEY_SECRET, key.trim());
  s.log.appendLine('API key stored in secret storage');
  void vscode.window.showInformationMessage(
    'Blocksmith: API key saved in VS Code’s secret storage.',
  );
}

async function clearApiKey(s: Services): Promise<void> {
  const had = (await s.apiKey()) !== undefined;
  await s.context.secrets.delete(API_KEY_SECRET);
  s.log.appendLine(had ? 'API key removed from secret storage' : 'no API key was stored');
  void vscode.window.showInformationMessage(
    had ? 'Blocksmith: API key removed.' : 'Blocksmith: no API key was stored.',
  );
}

/** The Set API Key and Clear API Key commands. */
export function registerApiKey(s: Services): vscode.Disposable[] {
  return [
    safeCommand(s.log, 'blocksmith.setApiKey', 'Set API Key', () => setApiKey(s)),
    safeCommand(s.log, 'blocksmith.clearApiKey', 'Clear API Key', () => clearApiKey(s)),
  ];
}
