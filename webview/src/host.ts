// The webview's one seam to the extension host: typed posts out, typed state kept by VS Code
// (setState survives hide/show and a reload of the panel). Tests replace acquireVsCodeApi with a
// fake host that records the posts.
import type { WebviewMessage, WebviewState } from '../../src/shared/dashboard-protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  post(message: WebviewMessage): void;
  readonly state: WebviewState;
  /** Merges `patch` into the kept state. */
  save(patch: Partial<WebviewState>): void;
}

const TABS = new Set(['curves', 'leaderboard', 'tree', 'spending']);

/** A kept state from an older or foreign version is cleaned field by field, never trusted. */
export function cleanState(raw: unknown): WebviewState {
  if (typeof raw !== 'object' || raw === null) {
    return {};
  }
  const r = raw as Record<string, unknown>;
  const s: { -readonly [K in keyof WebviewState]: WebviewState[K] } = {};
  if (typeof r.selected === 'string') {
    s.selected = r.selected;
  }
  if (typeof r.tab === 'string' && TABS.has(r.tab)) {
    s.tab = r.tab as WebviewState['tab'];
  }
  if (Array.isArray(r.hidden)) {
    s.hidden = r.hidden.filter((k): k is string => typeof k === 'string');
  }
  if (typeof r.rung === 'string') {
    s.rung = r.rung;
  }
  return s;
}

export function connectHost(): Host {
  // acquireVsCodeApi may be called once per page load: keep the one object.
  const api = acquireVsCodeApi();
  let state = cleanState(api.getState());
  return {
    post: (m) => {
      api.postMessage(m);
    },
    get state() {
      return state;
    },
    save: (patch) => {
      state = { ...state, ...patch };
      api.setState(state);
    },
  };
}
