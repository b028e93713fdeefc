// The Evolution Tree view: designs nested under their first parent, an icon by status, fitness at
// the highest rung reached, a Markdown tooltip; a click opens the block. Sets blocksmith.hasDesigns
// (the manifest's welcome view shows when it is false). Also Open Block, Open Diff to Parent and
// Refresh Designs. Reads go through s.store.list() (no lock); it refreshes on every store change.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DesignRecord } from '../../store/types';
import {
  buildTree,
  contextValue,
  describe,
  statusIcon,
  tooltipMarkdown,
  type DesignNode,
} from '../lib/review-tree';
import { blockUri, designOf, openDiff } from '../review';
import { safeCommand, type Handler } from '../safe';
import type { Services } from '../services';

/** Whether any rung of the design has a training report (.blocksmith/runs/<id>/<rung>/report.json). */
function hasReport(root: string, id: string): boolean {
  const dir = join(root, '.blocksmith', 'runs', id);
  try {
    return readdirSync(dir).some((rung) => existsSync(join(dir, rung, 'report.json')));
  } catch {
    return false;
  }
}

export class EvolutionTree implements vscode.TreeDataProvider<DesignNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: DesignNode[] = [];
  private parents = new Map<string, DesignNode>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly s: Services) {}

  /** Re-reads the store soon (changes come in bursts: one add writes two files). */
  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.refresh().catch((err: unknown) => {
        this.s.log.appendLine(`Evolution Tree: could not read the designs: ${String(err)}`);
      });
    }, 150);
  }

  async refresh(): Promise<void> {
    this.setRecords(await this.s.store.list());
  }

  setRecords(records: readonly DesignRecord[]): void {
    this.roots = buildTree(records);
    this.parents = new Map();
    const index = (n: DesignNode): void => {
      n.children.forEach((c) => {
        this.parents.set(c.id, n);
        index(c);
      });
    };
    this.roots.forEach(index);
    void vscode.commands.executeCommand('setContext', 'blocksmith.hasDesigns', records.length > 0);
    this.changed.fire(undefined);
  }

  getTreeItem(n: DesignNode): vscode.TreeItem {
    const r = n.record;
    const item = new vscode.TreeItem(
      r.id,
      n.children.length > 0
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = r.id;
    item.description = describe(r);
    item.tooltip = new vscode.MarkdownString(tooltipMarkdown(r));
    const icon = statusIcon(r.status);
    item.iconPath = new vscode.ThemeIcon(
      icon.icon,
      icon.color === undefined ? undefined : new vscode.ThemeColor(icon.color),
    );
    const root = this.s.store.root();
    item.contextValue = contextValue(r, root !== undefined && hasReport(root, r.id));
    const uri = blockUri(this.s, r.id);
    item.resourceUri = uri;
    item.command = { command: 'vscode.open', title: 'Open Block', arguments: [uri] };
    return item;
  }

  getChildren(n?: DesignNode): DesignNode[] {
    return n === undefined ? this.roots : n.children;
  }

  getParent(n: DesignNode): DesignNode | undefined {
    return this.parents.get(n.id);
  }

  /** The node of a design, for reveal. */
  find(id: string): DesignNode | undefined {
    const stack = [...this.roots];
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      if (n.id === id) {
        return n;
      }
      stack.push(...n.children);
    }
    return undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
  }
}

async function recordOf(s: Services, arg: unknown): Promise<DesignRecord> {
  const id = designOf(s, arg);
  if (id === undefined) {
    throw new Error('no design chosen: pick one in the Evolution Tree or open its block.ts');
  }
  const rec = (await s.store.list()).find((r) => r.id === id);
  if (rec === undefined) {
    throw new Error(`there is no design '${id}' in this workspace`);
  }
  return rec;
}

/** The tree view, its refresh wiring and the commands on its items. */
export function registerEvolutionTree(s: Services): vscode.Disposable[] {
  const tree = new EvolutionTree(s);
  const view = vscode.window.createTreeView('blocksmith.tree', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  tree.schedule();
  const command = (id: string, name: string, fn: Handler): vscode.Disposable =>
    safeCommand(s.log, id, name, fn);
  return [
    vscode.Disposable.from(tree),
    view,
    s.store.onDidChange(() => {
      tree.schedule();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      tree.schedule();
    }),
    command('blocksmith.refreshDesigns', 'Refresh Designs', () => tree.refresh()),
    command('blocksmith.openBlock', 'Open Block', async (arg) => {
      const rec = await recordOf(s, arg);
      await vscode.window.showTextDocument(blockUri(s, rec.id), { preview: false });
    }),
    command('blocksmith.openDiffToParent', 'Open Diff to Parent', async (arg) => {
      const rec = await recordOf(s, arg);
      if (rec.parents.length === 0) {
        throw new Error(
          `${rec.id} has no parent (it is a ${rec.operator} design): nothing to compare with`,
        );
      }
      await openDiff(s, rec);
    }),
  ];
}
