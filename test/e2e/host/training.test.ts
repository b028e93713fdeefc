// In-host: Train on Ladder through its command in the real extension host, in the e2e discovery
// workspace. A seed trains at 50k with a small steps scale (report.json, status 'trained'); a
// longer run stopped mid-way leaves a checkpoint and its status goes back; the dashboard opens and
// its webview, once ready, is sent a snapshot holding the trained run's curve.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { HostTest } from './types';

const EXTENSION_ID = 'blocksmith.blocksmith';

interface Probe {
  readonly open: boolean;
  readonly snapshots: number;
  readonly curves: Readonly<Record<string, number>>;
}

function root(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the e2e workspace is open');
  return f.uri.fsPath;
}

async function ready(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is loaded`);
  await ext.activate();
  // Train refuses in an untrusted workspace (it runs block code): the suite's workspace is trusted
  assert.equal(vscode.workspace.isTrusted, true, 'the e2e workspace is trusted');
}

const statusOf = (id: string): string =>
  (
    JSON.parse(readFileSync(join(root(), 'designs', id, 'design.json'), 'utf8')) as {
      status: string;
    }
  ).status;

const runDir = (id: string, rung: string): string => join(root(), '.blocksmith', 'runs', id, rung);

async function until<T>(
  what: string,
  ms: number,
  f: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function withScale<T>(scale: number, f: () => Promise<T>): Promise<T> {
  const cfg = vscode.workspace.getConfiguration('blocksmith');
  const before = cfg.inspect<number>('train.stepsScale')?.workspaceValue;
  await cfg.update('train.stepsScale', scale, vscode.ConfigurationTarget.Workspace);
  try {
    return await f();
  } finally {
    await cfg.update('train.stepsScale', before, vscode.ConfigurationTarget.Workspace);
  }
}

interface LoopRun {
  readonly id: string;
  readonly rung: string;
  readonly status: string;
  readonly runDir: string;
}

/** The evolution loop's run records, as stored in .blocksmith/db.json. */
function loopRuns(): LoopRun[] {
  const db = JSON.parse(readFileSync(join(root(), '.blocksmith', 'db.json'), 'utf8')) as {
    budgets: { evolve?: { runs?: Record<string, LoopRun> } };
  };
  return Object.values(db.budgets.evolve?.runs ?? {});
}

const locked = (): boolean => existsSync(join(root(), '.blocksmith', 'lock'));

/** Designs the loop or the palette proposed (they count against evolve.maxDesigns). */
function designed(): string[] {
  return readdirSync(join(root(), 'designs')).filter((id) => {
    const f = join(root(), 'designs', id, 'design.json');
    return (
      existsSync(f) &&
      (JSON.parse(readFileSync(f, 'utf8')) as { operator: string }).operator !== 'seed'
    );
  });
}

async function withSettings<T>(values: Record<string, unknown>, f: () => Promise<T>): Promise<T> {
  const cfg = vscode.workspace.getConfiguration('blocksmith');
  const before = Object.keys(values).map((k) => [k, cfg.inspect(k)?.workspaceValue] as const);
  for (const [k, v] of Object.entries(values)) {
    await cfg.update(k, v, vscode.ConfigurationTarget.Workspace);
  }
  try {
    return await f();
  } finally {
    for (const [k, v] of before) {
      await cfg.update(k, v, vscode.ConfigurationTarget.Workspace);
    }
  }
}

/** The hello messages of a run's metrics.jsonl after `since` (ms), and whether it has trained since. */
function runLog(
  file: string,
  since: number,
): { hellos: { resumedFrom: number }[]; progress: boolean } {
  const out = { hellos: [] as { resumedFrom: number }[], progress: false };
  if (!existsSync(file)) {
    return out;
  }
  for (const line of readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')) {
    const m = JSON.parse(line) as { type: string; time: string; resumedFrom?: number };
    if (Date.parse(m.time) >= since) {
      if (m.type === 'hello') {
        out.hellos.push({ resumedFrom: m.resumedFrom ?? 0 });
      }
      out.progress ||= m.type === 'progress';
    }
  }
  return out;
}

const train = (id: string, rung: string): Thenable<unknown> =>
  vscode.commands.executeCommand('blocksmith.train', id, { rung });

export const tests: HostTest[] = [
  {
    name: 'Train on Ladder trains a seed at 50k: report.json, design trained',
    async run() {
      await ready();
      const end = await withScale(0.02, () => Promise.resolve(train('gpt2', '50k')));
      assert.equal(end, 'completed');
      assert.ok(existsSync(join(runDir('gpt2', '50k'), 'report.json')), 'report.json written');
      assert.ok(existsSync(join(runDir('gpt2', '50k'), 'metrics.jsonl')), 'metrics.jsonl written');
      assert.equal(statusOf('gpt2'), 'trained');
    },
  },
  {
    name: 'Stop Training mid-run: a checkpoint, status stopped, the design not left training',
    async run() {
      await ready();
      const before = statusOf('retnet');
      const end = await withScale(1, async () => {
        const running = Promise.resolve(train('retnet', '50k'));
        const metrics = join(runDir('retnet', '50k'), 'metrics.jsonl');
        await until('the first progress line', 90_000, () =>
          existsSync(metrics) && readFileSync(metrics, 'utf8').includes('"progress"')
            ? true
            : undefined,
        );
        assert.equal(statusOf('retnet'), 'training', 'marked training while it runs');
        await vscode.commands.executeCommand('blocksmith.stopTraining');
        return running;
      });
      assert.equal(end, 'stopped');
      const ckpts = readdirSync(join(runDir('retnet', '50k'), 'checkpoints'));
      assert.ok(ckpts.length > 0, 'a checkpoint was saved');
      assert.equal(statusOf('retnet'), before, 'the status went back');
    },
  },
  {
    name: 'the dashboard opens and is sent a snapshot with the trained curve',
    async run() {
      await ready();
      await vscode.commands.executeCommand('blocksmith.openDashboard');
      const probe = await until('a snapshot with gpt2@50k', 60_000, async () => {
        const p = await vscode.commands.executeCommand<Probe>('blocksmith.dashboardProbe');
        return p.snapshots > 0 && (p.curves['gpt2@50k:train'] ?? 0) > 0 ? p : undefined;
      });
      assert.equal(probe.open, true);
      assert.ok((probe.curves['gpt2@50k:val'] ?? 0) > 0, 'the validation curve too');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    },
  },
  {
    name: 'Evolve (offline designer): a proposal waits for review, a run trains, the loop ends',
    async run() {
      await ready();
      const before = designed();
      await withSettings(
        {
          'evolve.maxDesigns': before.length + 1,
          'evolve.maxTrainRuns': 1,
          'evolve.rungs': ['50k'],
          'train.stepsScale': 0.02,
        },
        async () => {
          await vscode.commands.executeCommand('blocksmith.evolve');
          await until('the loop to train once and end', 240_000, () =>
            loopRuns().some((r) => r.status === 'completed') && !locked() ? true : undefined,
          );
        },
      );
      const added = designed().filter((id) => !before.includes(id));
      assert.equal(added.length, 1, 'one design proposed');
      const status = statusOf(added[0] ?? '');
      assert.ok(['pending-review', 'invalid'].includes(status), `the gate holds it (${status})`);
      const done = loopRuns().find((r) => r.status === 'completed');
      assert.ok(
        done && existsSync(join(done.runDir, 'report.json')),
        'the loop run has its report',
      );
    },
  },
  {
    name: 'Pause Evolution stops the trainer with a checkpoint; Resume continues the same run',
    async run() {
      await ready();
      await withSettings(
        {
          'evolve.maxDesigns': designed().length,
          'evolve.maxTrainRuns': 2,
          'evolve.rungs': ['50k'],
          'train.stepsScale': 1,
        },
        async () => {
          const t0 = Date.now();
          await vscode.commands.executeCommand('blocksmith.evolve');
          const run = await until('a loop run to train', 90_000, () => {
            const r = loopRuns().find((x) => x.status === 'training');
            return r && runLog(join(r.runDir, 'metrics.jsonl'), t0).progress ? r : undefined;
          });
          await vscode.commands.executeCommand('blocksmith.pauseEvolution');
          assert.equal(locked(), false, 'the store is released after Pause');
          assert.ok(readdirSync(join(run.runDir, 'checkpoints')).length > 0, 'a checkpoint');
          const again = loopRuns().find((x) => x.id === run.id && x.rung === run.rung);
          assert.equal(again?.status, 'training', 'the run is left to resume');
          const t1 = Date.now();
          await vscode.commands.executeCommand('blocksmith.resumeEvolution');
          await until('the run to resume from its checkpoint', 60_000, () =>
            runLog(join(run.runDir, 'metrics.jsonl'), t1).hellos.some((h) => h.resumedFrom > 0)
              ? true
              : undefined,
          );
          await vscode.commands.executeCommand('blocksmith.pauseEvolution');
          assert.equal(locked(), false, 'released again');
        },
      );
    },
  },
];
