// The dashboard in Debian's Chromium with a FAKE HOST, for the webview tests and the benchmark.
// The page is the real markup (webview/html.ts, with its CSP and nonce) and the built bundle
// (dist/webview, from `npm run build`), served from a fake origin by request interception: no
// server, no port. acquireVsCodeApi records every posted message and keeps the state in
// sessionStorage, so it survives a reload as VS Code's setState does.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../scripts/e2e/browser.mjs';

const require = createRequire(import.meta.url);
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ORIGIN = 'https://blocksmith.test';
const TYPES = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** Theme variables as VS Code sets them on <html>, for the three kinds of theme. */
const THEMES = {
  dark: {
    body: 'vscode-dark',
    vars: {
      'panelTitle-activeForeground': '#e7e7e7',
      'panelTitle-inactiveForeground': '#9d9d9d',
      'panelTitle-activeBorder': '#0078d4',
      'settings-dropdownBackground': '#313131',
      'settings-dropdownForeground': '#cccccc',
      'settings-dropdownBorder': '#3c3c3c',
      'settings-headerBorder': '#2b2b2b',
      'font-family': 'system-ui, sans-serif',
      'font-size': '13px',
      'editor-font-family': 'monospace',
      'editor-font-size': '12px',
      foreground: '#cccccc',
      descriptionForeground: '#9d9d9d',
      'editor-background': '#1f1f1f',
      'panel-border': '#2b2b2b',
      focusBorder: '#0078d4',
      'charts-foreground': '#cccccc',
      'charts-lines': '#cccccc80',
      'charts-red': '#f14c4c',
      'charts-blue': '#3794ff',
      'charts-yellow': '#cca700',
      'charts-orange': '#d18616',
      'charts-green': '#89d185',
      'charts-purple': '#b180d7',
      disabledForeground: '#cccccc80',
      'list-hoverBackground': '#2a2d2e',
      'list-activeSelectionBackground': '#04395e',
      'list-activeSelectionForeground': '#ffffff',
      'textLink-foreground': '#4daafc',
      'diffEditor-insertedLineBackground': '#9bb95533',
      'diffEditor-removedLineBackground': '#ff000033',
      'gitDecoration-addedResourceForeground': '#81b88b',
      'gitDecoration-deletedResourceForeground': '#c74e39',
      'textCodeBlock-background': '#0a0a0a66',
      'editorHoverWidget-background': '#202020',
      'editorHoverWidget-foreground': '#cccccc',
      'editorHoverWidget-border': '#454545',
      'editorWidget-background': '#202020',
      errorForeground: '#f85149',
      'button-background': '#0078d4',
      'button-foreground': '#ffffff',
      'button-secondaryBackground': '#313131',
      'button-secondaryForeground': '#cccccc',
      'badge-background': '#616161',
      'badge-foreground': '#f8f8f8',
    },
  },
  light: {
    body: 'vscode-light',
    vars: {
      'panelTitle-activeForeground': '#3b3b3b',
      'panelTitle-inactiveForeground': '#3b3b3b99',
      'panelTitle-activeBorder': '#005fb8',
      'settings-dropdownBackground': '#ffffff',
      'settings-dropdownForeground': '#3b3b3b',
      'settings-dropdownBorder': '#cecece',
      'settings-headerBorder': '#e5e5e5',
      'font-family': 'system-ui, sans-serif',
      'font-size': '13px',
      'editor-font-family': 'monospace',
      'editor-font-size': '12px',
      foreground: '#3b3b3b',
      descriptionForeground: '#6f6f6f',
      'editor-background': '#ffffff',
      'panel-border': '#e5e5e5',
      focusBorder: '#005fb8',
      'charts-foreground': '#616161',
      'charts-lines': '#61616180',
      'charts-red': '#e51400',
      'charts-blue': '#1a85ff',
      'charts-yellow': '#bf8803',
      'charts-orange': '#d18616',
      'charts-green': '#388a34',
      'charts-purple': '#652d90',
      disabledForeground: '#61616180',
      'list-hoverBackground': '#f2f2f2',
      'list-activeSelectionBackground': '#e8e8e8',
      'list-activeSelectionForeground': '#000000',
      'textLink-foreground': '#005fb8',
      'diffEditor-insertedLineBackground': '#9bb95533',
      'diffEditor-removedLineBackground': '#ff000033',
      'gitDecoration-addedResourceForeground': '#587c0c',
      'gitDecoration-deletedResourceForeground': '#ad0707',
      'textCodeBlock-background': '#dcdcdc66',
      'editorHoverWidget-background': '#f8f8f8',
      'editorHoverWidget-foreground': '#3b3b3b',
      'editorHoverWidget-border': '#c8c8c8',
      'editorWidget-background': '#f8f8f8',
      errorForeground: '#a1260d',
      'button-background': '#005fb8',
      'button-foreground': '#ffffff',
      'button-secondaryBackground': '#e5e5e5',
      'button-secondaryForeground': '#3b3b3b',
      'badge-background': '#cccccc',
      'badge-foreground': '#3b3b3b',
    },
  },
  'high-contrast': {
    body: 'vscode-high-contrast',
    vars: {
      'panelTitle-activeForeground': '#ffffff',
      'panelTitle-inactiveForeground': '#ffffff',
      'panelTitle-activeBorder': '#6fc3df',
      'settings-dropdownBackground': '#000000',
      'settings-dropdownForeground': '#ffffff',
      'settings-dropdownBorder': '#6fc3df',
      'settings-headerBorder': '#6fc3df',
      'font-family': 'system-ui, sans-serif',
      'font-size': '13px',
      'editor-font-family': 'monospace',
      'editor-font-size': '12px',
      foreground: '#ffffff',
      descriptionForeground: '#ffffffb3',
      'editor-background': '#000000',
      'panel-border': '#6fc3df',
      contrastBorder: '#6fc3df',
      focusBorder: '#f38518',
      'charts-foreground': '#ffffff',
      'charts-lines': '#ffffff80',
      'charts-red': '#f48771',
      'charts-blue': '#3794ff',
      'charts-yellow': '#ffd700',
      'charts-orange': '#f38518',
      'charts-green': '#89d185',
      'charts-purple': '#b180d7',
      disabledForeground: '#a5a5a5',
      'list-activeSelectionBackground': '#000000',
      'list-focusOutline': '#f38518',
      'list-activeSelectionForeground': '#ffffff',
      'textLink-foreground': '#21a6ff',
      'diffEditor-insertedTextBackground': '#00000000',
      'gitDecoration-addedResourceForeground': '#a1e3ad',
      'gitDecoration-deletedResourceForeground': '#c74e39',
      'editorHoverWidget-background': '#0c141f',
      'editorHoverWidget-foreground': '#ffffff',
      'editorHoverWidget-border': '#6fc3df',
      'editorWidget-background': '#0c141f',
      errorForeground: '#f48771',
      'button-background': '#000000',
      'button-foreground': '#ffffff',
      'button-border': '#6fc3df',
      'badge-background': '#000000',
      'badge-foreground': '#ffffff',
    },
  },
};

function themeCss(name) {
  const t = THEMES[name];
  const vars = Object.entries(t.vars)
    .map(([k, v]) => `--vscode-${k}: ${v};`)
    .join('\n  ');
  return `:root {\n  ${vars}\n}\n`;
}

/** The markup from webview/html.ts, compiled on the fly (it is TypeScript, DOM-free). */
async function loadHtmlModule() {
  const { build } = require('esbuild');
  const out = await build({
    entryPoints: [join(ROOT, 'webview/html.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

// Runs in the page before any script: the fake host.
function fakeHost(bodyClass) {
  window.__posted = [];
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
  });
  document.addEventListener('DOMContentLoaded', () => document.body.classList.add(bodyClass));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) {
      throw new Error('acquireVsCodeApi called twice');
    }
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null') ?? undefined,
      setState: (s) => sessionStorage.setItem('vscode-state', JSON.stringify(s)),
    };
  };
}

// The e2e suite's Chromium flags (headless, no sandbox, nothing reaching the network).

export async function launch(userDataDir) {
  const { chromium } = require('playwright-core');
  if (!existsSync(join(ROOT, 'dist/webview/dashboard.js'))) {
    throw new Error('dist/webview/dashboard.js is missing: run `npm run build` first');
  }
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
  });
}

/** Opens the dashboard in a new page of `context`; resolves once the webview posted 'ready'. */
export async function openDashboard(context, { theme = 'dark' } = {}) {
  const { dashboardHtml } = await loadHtmlModule();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const html = dashboardHtml({
    scriptUri: `${ORIGIN}/dist/webview/dashboard.js`,
    styleUris: [`${ORIGIN}/theme/${theme}.css`, `${ORIGIN}/dist/webview/dashboard.css`],
    cspSource: ORIGIN,
    nonce: 'test-nonce-0123456789',
    codiconUri: `${ORIGIN}/dist/webview/codicon.css`,
  });
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/' || path === '/index.html') {
      return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    }
    if (path.startsWith('/theme/')) {
      return route.fulfill({
        status: 200,
        contentType: 'text/css',
        body: themeCss(path.slice(7, -4)),
      });
    }
    const file = join(ROOT, path);
    if (!path.startsWith('/dist/webview/') || !existsSync(file)) {
      return route.fulfill({ status: 404, body: 'not found' });
    }
    return route.fulfill({
      status: 200,
      contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      body: readFileSync(file),
    });
  });
  await page.addInitScript(fakeHost, THEMES[theme].body);
  await page.goto(`${ORIGIN}/`);
  await waitPosted(page, (m) => m.type === 'ready');
  return { page, errors };
}

/** Sends a HostMessage to the webview, as webview.postMessage does. */
export function send(page, message) {
  return page.evaluate(
    (m) => window.dispatchEvent(new MessageEvent('message', { data: m })),
    message,
  );
}

export function posted(page) {
  return page.evaluate(() => window.__posted);
}

export function cspViolations(page) {
  return page.evaluate(() => window.__csp);
}

export async function waitPosted(page, pred, timeoutMs = 5000) {
  const t0 = Date.now();
  for (;;) {
    const found = (await posted(page)).find(pred);
    if (found !== undefined) {
      return found;
    }
    if (Date.now() - t0 > timeoutMs) {
      throw new Error(
        `timed out waiting for a posted message; posted: ${JSON.stringify(await posted(page))}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
