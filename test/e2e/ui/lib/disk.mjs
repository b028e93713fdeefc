// What the flows check on disk: the design store's folders (designs/<id>/design.json, block.ts)
// and the run folders (.blocksmith/runs/<id>/<rung>/).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** designs/<id>/design.json, parsed; undefined when absent or half-written. */
export function readDesign(ws, id) {
  try {
    return JSON.parse(readFileSync(join(ws, 'designs', id, 'design.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

export function designIds(ws) {
  return readdirSync(join(ws, 'designs')).sort();
}

export function blockBytes(ws, id) {
  return readFileSync(join(ws, 'designs', id, 'block.ts'));
}

export function runDir(ws, id, rung) {
  return join(ws, '.blocksmith', 'runs', id, rung);
}

/** Whether any run of `id` has started (its run folder exists). */
export function hasRuns(ws, id) {
  return existsSync(join(ws, '.blocksmith', 'runs', id));
}

/** The run's report.json, parsed; undefined until the run has ended. */
export function readReport(ws, id, rung) {
  try {
    return JSON.parse(readFileSync(join(runDir(ws, id, rung), 'report.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Lines of the run's metrics.jsonl (0 when absent). */
export function metricLines(ws, id, rung) {
  try {
    return readFileSync(join(runDir(ws, id, rung), 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0).length;
  } catch {
    return 0;
  }
}
