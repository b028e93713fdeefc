// What every part of the extension shares: the output channel, the design store's access, and the
// events that views, the status bar and the dashboard listen to. One instance, made in activate().
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DesignStore, type DesignRecord } from '../store';
import type { TrainerMessage } from '../train/protocol';

/** A training run's life, as the extension's parts see it (whoever started it). */
export type TrainingEvent =
  | {
      readonly kind: 'start';
      readonly design: string;
      readonly rung: string;
      readonly runDir: string;
    }
  | {
      readonly kind: 'message';
      readonly design: string;
      readonly rung: string;
      readonly runDir: string;
      readonly message: TrainerMessage;
    }
  | {
      readonly kind: 'end';
      readonly design: string;
      readonly rung: string;
      readonly runDir: string;
      /** completed | stopped | diverged | failed */
      readonly status: string;
      readonly message?: string;
    };

/**
 * The design store, shared: one process writes at a time (the store's lock). While the extension's
 * own evolution loop runs it holds the store, and every write here goes through that same store;
 * otherwise a write opens the store, does its work and closes it at once, so `blocksmith evolve`
 * in a terminal can take it. A store held by another process gives a clear error.
 */
export class StoreAccess implements vscode.Disposable {
  private held: DesignStore | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after a write here and when design files change on disk. */
  readonly onDidChange = this.changed.event;
  private readonly watcher: vscode.FileSystemWatcher;

  constructor() {
    this.watcher = vscode.workspace.createFileSystemWatcher('**/designs/*/{block.ts,design.json}');
    const fire = (): void => {
      this.changed.fire();
    };
    this.watcher.onDidCreate(fire);
    this.watcher.onDidChange(fire);
    this.watcher.onDidDelete(fire);
  }

  /** The discovery workspace: the first folder holding designs/, else the first folder. */
  root(): string | undefined {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    return folders.find((f) => existsSync(join(f, 'designs'))) ?? folders.at(0);
  }

  /** The root, or an Error that says what to do. */
  requireRoot(): string {
    const r = this.root();
    if (r === undefined) {
      throw new Error(
        'open a folder first (File > Open Folder), or run "Blocksmith: New Discovery Workspace"',
      );
    }
    return r;
  }

  /** Runs `fn` with the writable store, one call at a time; fires onDidChange after. */
  withStore<T>(fn: (store: DesignStore) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.held !== undefined) {
        return fn(this.held);
      }
      const store = await openWritable(this.requireRoot());
      try {
        return await fn(store);
      } finally {
        await store.close();
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next.finally(() => {
      this.changed.fire();
    });
  }

  /** The designs, read without the lock (works while any process writes). */
  async list(): Promise<DesignRecord[]> {
    const root = this.root();
    if (root === undefined || !existsSync(join(root, 'designs'))) {
      return [];
    }
    if (this.held !== undefined) {
      return this.held.list();
    }
    const store = await DesignStore.open(root, { readOnly: true });
    try {
      return store.list();
    } finally {
      await store.close();
    }
  }

  /** The evolution loop hands its open store here while it runs, and takes it back with release. */
  hold(store: DesignStore): void {
    this.held = store;
  }

  release(): void {
    this.held = undefined;
    this.changed.fire();
  }

  /** Tell listeners the store changed (the loop calls this after its own writes). */
  fire(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}

/** Opens the store for writing; held by another process, the error says how to free it and `again`. */
export async function openWritable(root: string, again = 'try again'): Promise<DesignStore> {
  try {
    return await DesignStore.open(root);
  } catch (err) {
    const msg = (err as Error).message;
    throw new Error(
      msg.includes('in use')
        ? `${msg}. If 'blocksmith evolve' runs in a terminal, stop it (Ctrl-C: it checkpoints) and ${again}.`
        : msg,
      { cause: err },
    );
  }
}

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.OutputChannel;
  /** Results of the last full verification (dynamic checks included), by block file. */
  readonly diagnostics: vscode.DiagnosticCollection;
  readonly store: StoreAccess;
  /** Every training run's start, messages and end (single-run training and the evolution loop). */
  readonly training: vscode.EventEmitter<TrainingEvent>;
  /** The API key for the LLM endpoint: SecretStorage only, never settings, the store or logs. */
  apiKey(): Promise<string | undefined>;
}

/** The SecretStorage key of the LLM endpoint's API key. */
export const API_KEY_SECRET = 'blocksmith.llm.apiKey';

export function makeServices(context: vscode.ExtensionContext): Services {
  const log = vscode.window.createOutputChannel('Blocksmith', { log: true });
  const diagnostics = vscode.languages.createDiagnosticCollection('blocksmith');
  const store = new StoreAccess();
  const training = new vscode.EventEmitter<TrainingEvent>();
  context.subscriptions.push(log, diagnostics, store, training);
  return {
    context,
    log,
    diagnostics,
    store,
    training,
    apiKey: async () => context.secrets.get(API_KEY_SECRET),
  };
}
