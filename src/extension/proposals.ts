// Mutate Block, Crossover and Design from Scratch: the designer proposes (offline, or the LLM
// designer when an endpoint and a model are set) under a cancellable progress notification; the
// novelty check refuses duplicates; the verifier runs at the lowest rung; the proposal is stored as
// 'pending-review' (or 'invalid' with its report: nothing lost) and opens as a diff to its parent.
// registerProposals wires this file, the review gate, the two views and the API key commands.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { LibraryUnit, ParentDesign } from '../evolve/offline';
import type { DesignRecord } from '../store/types';
import { verifySource } from '../verify';
import { registerApiKey } from './api-key';
import { designerChoice, verificationRecord } from './lib/review-decision';
import { proposeWith, type Ask, type Candidate, type Outcome } from './lib/review-designers';
import { unitRows } from './lib/review-units';
import { registerParentDocs } from './parent-docs';
import {
  acceptProposal,
  blockUri,
  designOf,
  openDiff,
  raceCancel,
  rejectProposal,
  requireTrust,
  reviewProposal,
  showProblems,
  verifyOptions,
} from './review';
import { safeCommand, type Handler } from './safe';
import type { Services } from './services';
import { registerEvolutionTree } from './views/evolution-tree';
import { registerReviewQueue } from './views/review-queue';

/** Sources and the unit library, read under the store's lock in one short visit. */
async function inputs(
  s: Services,
  ids: readonly string[],
): Promise<{ parents: ParentDesign[]; library: LibraryUnit[] }> {
  return s.store.withStore((store) =>
    Promise.resolve({
      parents: ids.map((id) => ({ id, source: store.source(id) })),
      library: store.units(),
    }),
  );
}

function designer(): ReturnType<typeof designerChoice> {
  const cfg = vscode.workspace.getConfiguration('blocksmith.llm');
  return designerChoice(cfg.get<string>('baseUrl', ''), cfg.get<string>('model.proposer', ''));
}

async function propose(
  s: Services,
  ask: Ask,
  library: readonly LibraryUnit[],
  signal: AbortSignal,
): Promise<Outcome> {
  const apiKey = designer().kind === 'llm' ? await s.apiKey() : undefined;
  return proposeWith(designer(), ask, library, {
    ...(apiKey !== undefined ? { apiKey } : {}),
    verify: verifyOptions(),
    signal,
    log: (line) => {
      s.log.appendLine(line);
    },
  });
}

function failed(s: Services, reason: string, endpoint: boolean): void {
  s.log.appendLine(`proposal failed: ${reason}`);
  const actions = endpoint ? ['Open Settings', 'Set API Key'] : ['Show Log'];
  void vscode.window
    .showErrorMessage(`Blocksmith: no proposal: ${reason}`, ...actions)
    .then(async (pick) => {
      if (pick === 'Open Settings') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'blocksmith.llm');
      } else if (pick === 'Set API Key') {
        await vscode.commands.executeCommand('blocksmith.setApiKey');
      } else if (pick === 'Show Log') {
        s.log.show(true);
      }
    });
}

/** Verifies and stores a candidate; the record, or undefined when it was a duplicate or cancelled. */
async function admit(
  s: Services,
  c: Candidate,
  progress: vscode.Progress<{ message?: string }>,
  token: vscode.CancellationToken,
): Promise<DesignRecord | undefined> {
  const dup = await s.store.withStore((store) => Promise.resolve(store.findDuplicate(c.source)));
  if (dup !== undefined) {
    s.log.appendLine(`proposal refused: the same code as design ${dup}`);
    void vscode.window
      .showWarningMessage(
        `Blocksmith: the proposal is the same design as ${dup}: not added. Try again or give an instruction.`,
        `Open ${dup}`,
      )
      .then((pick) =>
        pick === undefined ? undefined : vscode.window.showTextDocument(blockUri(s, dup)),
      );
    return undefined;
  }
  progress.report({ message: 'verifying' });
  const parent = c.operator === 'mutate' ? c.parents.at(0) : undefined;
  const parentSource =
    parent === undefined ? undefined : await readFile(blockUri(s, parent).fsPath, 'utf8');
  const opts = verifyOptions({
    ...(parentSource !== undefined && c.unit !== undefined
      ? { parentSource, editedUnit: c.unit }
      : {}),
    onProgress: (m) => {
      progress.report({ message: `verifying: ${m}` });
    },
  });
  const report = await raceCancel(verifySource('block.ts', c.source, opts), token);
  if (report === undefined) {
    s.log.appendLine('proposal cancelled while verifying: not added');
    return undefined;
  }
  const rec = await s.store.withStore((store) =>
    store.add(c.source, {
      parents: c.parents,
      operator: c.operator,
      ...(c.unit !== undefined ? { unit: c.unit } : {}),
      summary: c.summary,
      proposal: c.proposal,
      verification: verificationRecord(report, opts.rung ?? '50k', c.source),
      costs: c.costs,
      status: report.ok ? 'pending-review' : 'invalid',
    }),
  );
  if (!report.ok) {
    await showProblems(s, blockUri(s, rec.id), report);
  }
  return rec;
}

/** The whole pipeline under one cancellable notification. */
async function run(
  s: Services,
  ask: Ask,
  title: string,
  library: readonly LibraryUnit[] = [],
): Promise<void> {
  const rec = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Blocksmith: ${title}`,
      cancellable: true,
    },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => {
        abort.abort();
      });
      progress.report({ message: 'proposing' });
      const out = await raceCancel(propose(s, ask, library, abort.signal), token);
      if (out === undefined || token.isCancellationRequested) {
        s.log.appendLine(`${title}: cancelled`);
        return undefined;
      }
      if (out.kind === 'failure') {
        failed(s, out.reason, out.endpoint === true);
        return undefined;
      }
      return admit(s, out.candidate, progress, token);
    },
  );
  if (rec === undefined) {
    return;
  }
  s.log.appendLine(
    `${rec.id}: ${rec.status}, ${rec.operator} of ${rec.parents.join(' × ') || 'the unit library'}: ${rec.summary ?? ''}`,
  );
  if (rec.status === 'invalid') {
    void vscode.window
      .showErrorMessage(
        `Blocksmith: the proposal ${rec.id} fails verification: kept as 'invalid' with its report (designs/${rec.id}).`,
        'Show Problems',
      )
      .then(async (pick) => {
        if (pick !== undefined) {
          await vscode.window.showTextDocument(blockUri(s, rec.id));
          await vscode.commands.executeCommand('workbench.actions.view.problems');
        }
      });
    return;
  }
  await openDiff(s, rec);
  void vscode.window.showInformationMessage(
    `Blocksmith: ${rec.id} waits for your review: edit it if you like, then Accept or Reject (editor title).`,
  );
}

/** The design to work on: the argument's, the active block's, else a pick. */
async function pickDesign(
  s: Services,
  arg: unknown,
  title: string,
  skip?: string,
): Promise<string | undefined> {
  const named = skip === undefined ? designOf(s, arg) : undefined;
  const all = (await s.store.list()).filter(
    (r) => r.id !== skip && r.status !== 'rejected' && r.status !== 'invalid',
  );
  if (named !== undefined && all.some((r) => r.id === named)) {
    return named;
  }
  if (all.length === 0) {
    throw new Error('no designs to start from: run "Blocksmith: New Discovery Workspace" first');
  }
  const pick = await vscode.window.showQuickPick(
    all.map((r) => ({
      label: r.id,
      description: `${r.status} · ${r.operator}`,
      detail: r.summary,
      id: r.id,
    })),
    { title, matchOnDescription: true },
  );
  return pick?.id;
}

interface MutateArg {
  readonly id?: string;
  readonly unit?: string;
  readonly instruction?: string;
}

async function mutateBlock(s: Services, arg?: unknown): Promise<void> {
  if (!requireTrust('Mutate Block')) {
    return;
  }
  const id = await pickDesign(s, arg, 'Mutate which design?');
  if (id === undefined) {
    return;
  }
  const given = (typeof arg === 'object' && arg !== null ? arg : {}) as MutateArg;
  const { parents } = await inputs(s, [id]);
  const parent = parents[0];
  let unit = given.unit;
  if (unit === undefined) {
    const rows = unitRows(parent.source, designer().kind === 'offline');
    const pick = await vscode.window.showQuickPick(
      rows.map((r) => ({ label: r.label, description: r.description, name: r.name })),
      {
        title: `Mutate ${id}: which unit?`,
        placeHolder: 'The unit tree, root first; the other units stay as they are',
      },
    );
    if (pick === undefined) {
      return;
    }
    unit = pick.name;
  }
  const instruction =
    given.instruction ??
    (await vscode.window.showInputBox({
      title: `Mutate ${unit} of ${id}`,
      prompt:
        'An instruction for the designer (optional: Enter with nothing leaves the choice to it)',
      placeHolder: 'e.g. try sliding-window attention',
    }));
  if (instruction === undefined) {
    return;
  }
  await run(s, { kind: 'mutate', parent, unit, instruction }, `mutating ${unit} of ${id}`);
}

async function crossover(s: Services, arg?: unknown): Promise<void> {
  if (!requireTrust('Crossover')) {
    return;
  }
  const ids = (arg as { ids?: unknown } | undefined)?.ids;
  const a = Array.isArray(ids)
    ? String(ids[0])
    : await pickDesign(s, undefined, 'Crossover (1/2): the first parent');
  const b = Array.isArray(ids)
    ? String(ids[1])
    : a === undefined
      ? undefined
      : await pickDesign(s, undefined, `Crossover (2/2): cross ${a} with…`, a);
  if (a === undefined || b === undefined) {
    return;
  }
  const { parents } = await inputs(s, [a, b]);
  await run(s, { kind: 'crossover', parents: [parents[0], parents[1]] }, `crossing ${a} × ${b}`);
}

async function designFromScratch(s: Services): Promise<void> {
  if (!requireTrust('Design from Scratch')) {
    return;
  }
  const ids = (await s.store.list())
    .filter((r) => r.status !== 'rejected' && r.status !== 'invalid')
    .map((r) => r.id);
  if (ids.length === 0) {
    throw new Error('the unit library is empty: run "Blocksmith: New Discovery Workspace" first');
  }
  const { parents, library } = await inputs(s, ids);
  await run(s, { kind: 'scratch', parents }, 'designing from scratch', library);
}

/** Everything of proposals and review: commands, the two views, parent documents, the API key. */
export function registerProposals(s: Services): vscode.Disposable[] {
  const command = (id: string, name: string, fn: Handler): vscode.Disposable =>
    safeCommand(s.log, id, name, fn);
  return [
    ...registerParentDocs(s),
    ...registerApiKey(s),
    ...registerEvolutionTree(s),
    ...registerReviewQueue(s),
    command('blocksmith.mutateBlock', 'Mutate Block', (a) => mutateBlock(s, a)),
    command('blocksmith.crossover', 'Crossover', (a) => crossover(s, a)),
    command('blocksmith.designFromScratch', 'Design from Scratch', () => designFromScratch(s)),
    command('blocksmith.acceptProposal', 'Accept Proposal', (a) => acceptProposal(s, a)),
    command('blocksmith.rejectProposal', 'Reject Proposal', (a) => rejectProposal(s, a)),
    command('blocksmith.reviewProposal', 'Review Proposal', (a) => reviewProposal(s, a)),
  ];
}
