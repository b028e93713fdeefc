// The dashboard webview's entry (bundled by scripts/build.mjs into dist/webview/dashboard.js).
// Only the vscode-elements components the markup uses are imported.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { asHostMessage } from '../../src/shared/dashboard-protocol';
import { App } from './app';
import { connectHost } from './host';

const host = connectHost();
const app = new App(host);
window.addEventListener('message', (ev: MessageEvent) => {
  const m = asHostMessage(ev.data);
  if (m !== undefined) {
    app.handle(m);
  }
});
// The host answers with a snapshot; until then the panel shows its static markup.
host.post({ type: 'ready' });
