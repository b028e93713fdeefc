// Canvas and uPlot draw with concrete colours, not var(): this reads VS Code's theme variables
// (set by the host on <html>) into strings, and tells listeners when the theme changes.

const FALLBACK: Readonly<Record<string, string>> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-charts-foreground': '#cccccc',
  '--vscode-charts-lines': '#cccccc80',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-disabledForeground': '#cccccc80',
  '--vscode-contrastBorder': '',
};

/** One theme variable's value now (a fallback outside VS Code, e.g. in a plain browser). */
export function themeColor(name: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v !== '' ? v : (FALLBACK[name] ?? '#888888');
}

/** The series palette: VS Code's chart colours, which every theme (high contrast too) defines. */
export function palette(): string[] {
  return ['blue', 'orange', 'green', 'purple', 'red', 'yellow'].map((c) =>
    themeColor(`--vscode-charts-${c}`),
  );
}

/** Calls `fn` after VS Code switches theme (it rewrites <html style> and <body class>). */
export function onThemeChange(fn: () => void): void {
  let pending = false;
  const obs = new MutationObserver(() => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        fn();
      });
    }
  });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  obs.observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
