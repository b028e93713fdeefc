// The dashboard's markup, imported by the host (src/extension/dashboard*.ts) and by the webview
// tests. vscode-free and DOM-free: a pure string function. Only the webview script fills the
// panels; nothing from a design is ever written into this markup.

export interface DashboardHtmlInput {
  /** webview.asWebviewUri(dist/webview/dashboard.js). */
  readonly scriptUri: string;
  /** dist/webview/dashboard.css (and any other style sheet), in order. */
  readonly styleUris: readonly string[];
  /** webview.cspSource: the origin the script, styles and fonts load from. */
  readonly cspSource: string;
  /** A fresh random nonce per render: only the script that carries it may run. */
  readonly nonce: string;
  /** dist/webview/codicon.css; vscode-icon finds it by the id vscode-codicon-stylesheet. */
  readonly codiconUri: string;
}

const attr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The content security policy: no inline script, no eval, nothing but the webview's own files. */
export function dashboardCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const TABS = `
    <vscode-tabs id="tabs" selected-index="0">
      <vscode-tab-header slot="header" data-tab="curves">Curves</vscode-tab-header>
      <vscode-tab-panel>
        <section class="panel" id="curves-panel">
          <div class="curves" id="curves" data-testid="curves" data-points="0" data-series="0"></div>
          <ul class="legend" id="legend" aria-label="Curves (click to show or hide)"></ul>
        </section>
      </vscode-tab-panel>
      <vscode-tab-header slot="header" data-tab="leaderboard">Leaderboard</vscode-tab-header>
      <vscode-tab-panel>
        <section class="panel scroll" id="leaderboard-panel">
          <table class="grid" id="leaderboard" data-testid="leaderboard">
            <thead><tr><th class="num">#</th><th>Design</th><th class="num">Fitness</th>
            <th class="num">Val loss</th><th class="num">Bits/byte</th><th class="num">Probes</th>
            <th class="num">Tokens/s</th></tr></thead>
            <tbody></tbody>
          </table>
          <p class="muted" id="leaderboard-empty">No completed runs at this rung yet.</p>
        </section>
      </vscode-tab-panel>
      <vscode-tab-header slot="header" data-tab="tree">Tree</vscode-tab-header>
      <vscode-tab-panel>
        <section class="panel tree" id="tree" data-testid="tree" data-designs="0">
          <canvas id="tree-canvas" tabindex="0" aria-label="Evolution tree: drag to pan, wheel to zoom, click a design to select it"></canvas>
          <div class="tooltip" id="tree-tooltip" role="tooltip" hidden></div>
          <ul class="tree-legend" id="tree-legend"></ul>
          <vscode-button secondary id="tree-fit" class="tree-fit" title="Fit the whole tree">Fit</vscode-button>
        </section>
      </vscode-tab-panel>
      <vscode-tab-header slot="header" data-tab="spending">Spending</vscode-tab-header>
      <vscode-tab-panel>
        <section class="panel scroll" id="spending-panel">
          <p id="spending-total"></p>
          <table class="grid" id="spending-table">
            <thead><tr><th>Design</th><th class="num">Tokens</th><th class="num">USD</th></tr></thead>
            <tbody></tbody>
          </table>
        </section>
      </vscode-tab-panel>
      <div slot="addons" class="addons">
        <label for="rung">Rung</label>
        <vscode-single-select id="rung" aria-label="Rung"></vscode-single-select>
      </div>
    </vscode-tabs>`;

const BODY = `
  <header class="header">
    <div class="run">
      <span class="codicon codicon-pulse" aria-hidden="true"></span>
      <span id="training" data-testid="training">idle</span>
      <vscode-button id="stop" data-testid="stop" icon="debug-stop" secondary hidden>Stop</vscode-button>
    </div>
    <vscode-progress-bar id="progress" hidden></vscode-progress-bar>
    <div class="spend" id="spending-summary"></div>
  </header>
  <div class="notices" id="notices" role="status" aria-live="polite"></div>
  <section class="empty" id="empty" data-testid="empty" hidden>
    <h2>No designs yet</h2>
    <p>Run <strong>Blocksmith: New Discovery Workspace</strong> from the Command Palette (F1) to
    start from the five seed designs (GPT, Mamba2, RetNet, RWKV6, TTT). It works offline, with no
    API key.</p>
    <p>Then <strong>Blocksmith: Mutate Block</strong> proposes a design and
    <strong>Blocksmith: Train on Ladder</strong> trains it; its curves appear here.</p>
  </section>
  <main class="main" id="main">
    ${TABS}
    <aside class="detail" id="detail" data-testid="detail" aria-live="polite">
      <p class="muted">Select a design in the leaderboard or the tree to see its proposal, review,
      runs and diff.</p>
    </aside>
  </main>`;

/** The whole HTML document of the dashboard panel. */
export function dashboardHtml(input: DashboardHtmlInput): string {
  const styles = input.styleUris
    .map((u) => `<link rel="stylesheet" href="${attr(u)}">`)
    .join('\n  ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(dashboardCsp(input.cspSource, input.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(input.codiconUri)}">
  ${styles}
  <title>Blocksmith Dashboard</title>
</head>
<body>${BODY}
  <script nonce="${attr(input.nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}
