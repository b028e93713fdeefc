// The in-host half of bench/diagnostics.mjs: keystroke-to-diagnostic latency in the real VS Code,
// on the gpt2 seed. 50 single-character edits alternate a deletion that breaks an op's name
// (ops.rmsNorm -> ops.rmsNor: a static/compile error) and the insertion that fixes it, at 25
// different call sites. Each edit is timed from just before workspace.applyEdit to
//   set:   the first moment languages.getDiagnostics shows the new version's result (polled on
//          every event-loop turn): when the live collection was set;
//   event: the languages.onDidChangeDiagnostics event for the document carrying that result
//          (VS Code delivers this event to extensions through a 50 ms debounce of its own).
// Figures go to the console as "# diag-bench {json}" lines (the runner's TAP filter keeps them).
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import {
  activate,
  blocksmithDiagnostics,
  revertAndClose,
  seedUri,
  show,
  waitFor,
} from './diag-support';
import type { HostTest } from './types';

const EDITS = 50;
const WARMUP = 4;
const TIMEOUT_MS = 10_000;

interface Timing {
  readonly set: number;
  readonly event: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The offsets of the last character of each `ops.<name>` in the text. */
function sites(text: string): number[] {
  return [...text.matchAll(/\bops\.([A-Za-z]+)\(/g)].map(
    (m) => m.index + 'ops.'.length + m[1].length - 1,
  );
}

/** Applies one single-character edit and times it; `broken`: the edit creates the error. */
async function timeEdit(
  doc: vscode.TextDocument,
  offset: number,
  broken: boolean,
  char: string,
): Promise<Timing> {
  const line = doc.positionAt(offset).line;
  const done = (): boolean =>
    blocksmithDiagnostics(doc.uri, 'static/compile').some((d) => d.range.start.line === line) ===
    broken;
  if (done()) {
    throw new Error(
      `bench: the document is already ${broken ? 'broken' : 'fixed'} at line ${line + 1}`,
    );
  }
  const edit = new vscode.WorkspaceEdit();
  const pos = doc.positionAt(offset);
  if (broken) {
    edit.delete(doc.uri, new vscode.Range(pos, pos.translate(0, 1)));
  } else {
    edit.insert(doc.uri, pos, char);
  }
  let eventAt: number | undefined;
  const key = doc.uri.toString();
  const sub = vscode.languages.onDidChangeDiagnostics((e) => {
    if (eventAt === undefined && e.uris.some((u) => u.toString() === key) && done()) {
      eventAt = performance.now();
    }
  });
  try {
    const t0 = performance.now();
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new Error('bench: an edit was not applied');
    }
    while (!done()) {
      if (performance.now() - t0 > TIMEOUT_MS) {
        throw new Error(
          `bench: no diagnostics for the edit at line ${line + 1} in ${TIMEOUT_MS} ms`,
        );
      }
      await nextTurn();
    }
    const setAt = performance.now();
    await waitFor('the onDidChangeDiagnostics event', () => eventAt !== undefined, TIMEOUT_MS);
    // Let VS Code's 50 ms event debounce drain, so the next edit's event is its own.
    await sleep(120);
    return { set: setAt - t0, event: (eventAt ?? setAt) - t0 };
  } finally {
    sub.dispose();
  }
}

function stats(xs: readonly number[]): { median: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { median: r(at(0.5)), p95: r(at(0.95)), max: r(s[s.length - 1]) };
}

async function runBench(): Promise<void> {
  await activate();
  const { document: doc } = await show(await seedUri());
  try {
    const offsets = sites(doc.getText());
    if (offsets.length === 0) {
      throw new Error('bench: no ops.<name>( call in the seed');
    }
    const timings: Timing[] = [];
    // Pairs from the end of the file backwards: an edit never shifts the offsets still to come.
    const order = [...offsets].reverse();
    for (let i = 0; i < WARMUP / 2 + EDITS / 2; i++) {
      const at = order[i % order.length];
      const char = doc.getText().charAt(at);
      const broke = await timeEdit(doc, at, true, char);
      const fixed = await timeEdit(doc, at, false, char);
      if (i >= WARMUP / 2) {
        timings.push(broke, fixed);
      }
    }
    const out = {
      edits: timings.length,
      set: stats(timings.map((t) => t.set)),
      event: stats(timings.map((t) => t.event)),
      setMs: timings.map((t) => Math.round(t.set * 10) / 10),
    };
    console.log(`# diag-bench ${JSON.stringify(out)}`);
  } finally {
    await revertAndClose();
  }
}

export const benchTests: HostTest[] = [
  { name: 'bench: keystroke-to-diagnostic latency on the gpt2 seed', run: runBench },
];
