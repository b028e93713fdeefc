// Parents as read-only virtual documents (scheme blocksmith-parent, path /<parent-id>/block.ts,
// query proposal=<id> when shown beside a proposal): the left side of a proposal's diff, which
// cannot be edited or saved, so a review never touches the parent's file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { PARENT_SCHEME, parentDocPath, parentOfDocPath } from './lib/review-decision';
import type { Services } from './services';

/** The parent's virtual document; `proposal` names the design it is compared with. */
export function parentUri(parent: string, proposal?: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: PARENT_SCHEME,
    path: parentDocPath(parent),
    ...(proposal !== undefined ? { query: `proposal=${encodeURIComponent(proposal)}` } : {}),
  });
}

/** The proposal a parent document is shown beside, from its query. */
export function proposalOfParentUri(uri: vscode.Uri): string | undefined {
  if (uri.scheme !== PARENT_SCHEME) {
    return undefined;
  }
  const m = /(?:^|&)proposal=([^&]+)/.exec(uri.query);
  return m?.[1] === undefined ? undefined : decodeURIComponent(m[1]);
}

class ParentDocs implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly s: Services) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = parentOfDocPath(uri.path);
    const root = this.s.store.root();
    if (id === undefined || root === undefined) {
      return `// ${uri.toString()} is not a design of this workspace (expected ${PARENT_SCHEME}:/<id>/block.ts)\n`;
    }
    try {
      return await readFile(join(root, 'designs', id, 'block.ts'), 'utf8');
    } catch (err) {
      return `// the block of design '${id}' could not be read: ${(err as Error).message}\n// (was designs/${id}/ deleted or renamed?)\n`;
    }
  }

  /** Reload every open parent document (after the store changed on disk). */
  refresh(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === PARENT_SCHEME) {
        this.changed.fire(doc.uri);
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The content provider of the blocksmith-parent scheme. */
export function registerParentDocs(s: Services): vscode.Disposable[] {
  const docs = new ParentDocs(s);
  return [
    vscode.Disposable.from(docs),
    vscode.workspace.registerTextDocumentContentProvider(PARENT_SCHEME, docs),
    s.store.onDidChange(() => {
      docs.refresh();
    }),
  ];
}
