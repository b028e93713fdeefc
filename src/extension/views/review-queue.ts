// The Review Queue view: the pending proposals with the proposer's summary and the LLM reviewer's
// rating (when one rated it); a click opens the diff. Sets blocksmith.hasPending, and
// blocksmith.activeProposal while the active editor shows a pending design (either diff side).
import * as vscode from 'vscode';
import type { DesignRecord } from '../../store/types';
import { pending, queueItem } from '../lib/review-decision';
import { designOf } from '../review';
import type { Services } from '../services';

export class ReviewQueue implements vscode.TreeDataProvider<DesignRecord>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private items: DesignRecord[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly s: Services) {}

  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.refresh().catch((err: unknown) => {
        this.s.log.appendLine(`Review Queue: could not read the designs: ${String(err)}`);
      });
    }, 150);
  }

  async refresh(): Promise<void> {
    this.items = pending(await this.s.store.list());
    void vscode.commands.executeCommand(
      'setContext',
      'blocksmith.hasPending',
      this.items.length > 0,
    );
    this.updateActive();
    this.changed.fire(undefined);
  }

  /** blocksmith.activeProposal: the active editor shows a pending design's block. */
  updateActive(): void {
    const id = designOf(this.s, undefined);
    const on = id !== undefined && this.items.some((r) => r.id === id);
    void vscode.commands.executeCommand('setContext', 'blocksmith.activeProposal', on);
  }

  getTreeItem(r: DesignRecord): vscode.TreeItem {
    const words = queueItem(r);
    const item = new vscode.TreeItem(words.label, vscode.TreeItemCollapsibleState.None);
    item.id = r.id;
    item.description = words.description;
    item.tooltip = words.tooltip;
    item.iconPath = new vscode.ThemeIcon(
      'git-pull-request',
      new vscode.ThemeColor('charts.yellow'),
    );
    item.contextValue = 'blocksmith.proposal';
    item.command = {
      command: 'blocksmith.reviewProposal',
      title: 'Review Proposal',
      arguments: [{ id: r.id }],
    };
    return item;
  }

  getChildren(r?: DesignRecord): DesignRecord[] {
    return r === undefined ? this.items : [];
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
  }
}

/** The queue view, its refresh wiring and the activeProposal context key. */
export function registerReviewQueue(s: Services): vscode.Disposable[] {
  const queue = new ReviewQueue(s);
  const view = vscode.window.createTreeView('blocksmith.reviewQueue', { treeDataProvider: queue });
  queue.schedule();
  const active = (): void => {
    queue.updateActive();
  };
  return [
    vscode.Disposable.from(queue),
    view,
    s.store.onDidChange(() => {
      queue.schedule();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      queue.schedule();
    }),
    vscode.window.onDidChangeActiveTextEditor(active),
    vscode.window.tabGroups.onDidChangeTabs(active),
  ];
}
