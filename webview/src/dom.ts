// Tiny DOM helpers. Every text from a design goes in through textContent, never innerHTML.

export function byId(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (e === null) {
    throw new Error(`dashboard markup lacks #${id}: webview/html.ts and the script disagree`);
  }
  return e;
}

/** An element with optional class and text (set as textContent). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls !== undefined && cls !== '') {
    e.className = cls;
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/** "1.23k", "4.5M": compact counts for tokens and throughput. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) {
    return `${(n / 1e9).toFixed(2)}B`;
  }
  if (a >= 1e6) {
    return `${(n / 1e6).toFixed(2)}M`;
  }
  if (a >= 1e3) {
    return `${(n / 1e3).toFixed(1)}k`;
  }
  return `${Math.round(n)}`;
}

/** A number with `d` decimals, or an en dash when absent. */
export function fixed(n: number | undefined, d: number): string {
  return n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(d);
}

/** "1h 02m", "3m 05s", "12s". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (x: number): string => String(x).padStart(2, '0');
  if (h > 0) {
    return `${h}h ${pad(m)}m`;
  }
  return m > 0 ? `${m}m ${pad(s % 60)}s` : `${s % 60}s`;
}
