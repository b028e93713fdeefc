// The "Designs" view: designs/*/ of every workspace folder; a click opens the block. When there
// are none, the manifest's viewsWelcome offers "New Discovery Workspace".
import * as vscode from 'vscode';
import type { DesignEntry } from '../core/workspace';
import { listDesigns } from '../core/workspace';

export class DesignsProvider implements vscode.TreeDataProvider<DesignEntry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: { dispose(): unknown }[] = [this.changed];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/designs/*/{block.ts,design.json}');
    const refresh = (): void => {
      this.refresh();
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(refresh),
      watcher.onDidDelete(refresh),
      watcher.onDidChange(refresh),
      vscode.workspace.onDidChangeWorkspaceFolders(refresh),
    );
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(d: DesignEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(d.id, vscode.TreeItemCollapsibleState.None);
    const op = d.meta?.['operator'];
    item.description = typeof op === 'string' ? op : '';
    item.tooltip = d.blockPath;
    item.resourceUri = vscode.Uri.file(d.blockPath);
    item.iconPath = new vscode.ThemeIcon('symbol-class');
    item.contextValue = 'blocksmith.design';
    item.command = { command: 'vscode.open', title: 'Open Block', arguments: [item.resourceUri] };
    return item;
  }

  getChildren(parent?: DesignEntry): DesignEntry[] {
    if (parent !== undefined) {
      return [];
    }
    return (vscode.workspace.workspaceFolders ?? []).flatMap((f) => listDesigns(f.uri.fsPath));
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
