// Evolve, Pause and Resume in the extension host: the same loop as `blocksmith evolve` (startEvolve)
// with the offline designer, or the LLM designer when an endpoint is configured (the key from
// SecretStorage). While the loop runs its store is held by s.store, so the review commands write
// through it; Pause stops the loop (the trainer checkpoints) and Resume starts it again where it was.
import * as vscode from 'vscode';
import {
  llmLoopDesigner,
  offlineLoopDesigner,
  readState,
  startEvolve,
  type EvolveOptions,
  type EvolveRun,
  type EvolveSummary,
  type LoopDesigner,
  type TrainHooks,
} from '../evolve/loop';
import { evolveOptions, llmEndpoint } from './lib/dash-settings';
import { logLine } from './lib/dash-status';
import type { DesignStore } from '../store';
import { openWritable, type Services } from './services';
import type { TrainingStatusBar } from './status-bar';
import { config } from './training-run';

const setContext = (key: string, value: boolean): void => {
  void vscode.commands.executeCommand('setContext', key, value);
};

export class Evolution {
  private run: EvolveRun | undefined;
  private ended: Promise<void> | undefined;

  constructor(
    private readonly s: Services,
    private readonly bar: TrainingStatusBar,
  ) {}

  get running(): boolean {
    return this.run !== undefined;
  }

  /** Starts the loop (Evolve and Resume); resolves once it runs, not when it ends. */
  async start(): Promise<void> {
    if (this.run !== undefined) {
      void vscode.window.showInformationMessage('Blocksmith: Evolve is already running.');
      return;
    }
    const root = this.s.store.requireRoot();
    const opts = evolveOptions(config);
    const store = await openWritable(root, 'Evolve again');
    let designer: LoopDesigner;
    try {
      designer = await this.designer(store, opts);
    } catch (err) {
      await store.close();
      throw err;
    }
    this.s.store.hold(store);
    const run = startEvolve(store, designer, { ...opts, trainHooks: this.hooks() }, (line) => {
      this.s.log.appendLine(`evolve: ${line}`);
      this.s.store.fire();
    });
    this.run = run;
    setContext('blocksmith.evolving', true);
    setContext('blocksmith.evolutionPaused', false);
    this.s.log.appendLine(
      `evolve: started with the ${designer.name} designer on rungs ${opts.rungs.join(', ')}`,
    );
    this.ended = run.result.then(
      (summary) => this.finish(store, summary),
      (err: unknown) => this.fail(store, err),
    );
  }

  /** Pause: stops designing and the trainer (it checkpoints); Resume continues where it was. */
  async pause(): Promise<void> {
    if (this.run === undefined) {
      return;
    }
    this.run.stop();
    await this.ended;
  }

  /** Stops the loop and waits for its end (deactivation), at most `boundMs`. */
  async stopAndWait(boundMs: number): Promise<void> {
    if (this.run === undefined) {
      return;
    }
    this.run.stop();
    await Promise.race([this.ended, new Promise((r) => setTimeout(r, boundMs))]);
  }

  private async designer(store: DesignStore, o: EvolveOptions): Promise<LoopDesigner> {
    const ep = llmEndpoint(config);
    if (ep === undefined) {
      return offlineLoopDesigner(o.seed);
    }
    const key = await this.s.apiKey();
    const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(ep.baseURL);
    if (key === undefined && !local) {
      throw new Error(
        `the endpoint ${ep.baseURL} needs an API key: run "Blocksmith: Set API Key", or clear blocksmith.llm.baseUrl to use the offline designer`,
      );
    }
    const spent = readState(store);
    return llmLoopDesigner({
      baseURL: ep.baseURL,
      model: ep.model,
      maxUsd: o.maxUsd,
      maxTokens: o.maxTokens,
      spent: { tokens: spent.tokens, usd: spent.usd },
      // the key goes to the client only, never into a file or a log line
      env: key !== undefined ? { BLOCKSMITH_API_KEY: key } : {},
      rung: o.rungs[0] ?? '50k',
    });
  }

  /** The loop's training runs -> s.training (status bar, dashboard) and the log. */
  private hooks(): TrainHooks {
    return {
      onStart: (r) => {
        this.bar.markEvolving(r.id, r.rung, true);
        this.s.training.fire({ kind: 'start', design: r.id, rung: r.rung, runDir: r.runDir });
        setContext('blocksmith.training', true);
      },
      onMessage: (r, m) => {
        this.s.training.fire({
          kind: 'message',
          design: r.id,
          rung: r.rung,
          runDir: r.runDir,
          message: m,
        });
        const line = logLine(r.id, r.rung, m);
        if (line !== undefined && m.type !== 'checkpoint') {
          this.s.log.appendLine(line);
        }
      },
      onEnd: (r, status, message) => {
        this.bar.markEvolving(r.id, r.rung, false);
        this.s.training.fire({
          kind: 'end',
          design: r.id,
          rung: r.rung,
          runDir: r.runDir,
          status,
          ...(message !== undefined ? { message } : {}),
        });
        setContext('blocksmith.training', false);
      },
    };
  }

  private async finish(store: DesignStore, summary: EvolveSummary): Promise<void> {
    await this.release(store);
    const trained =
      Object.entries(summary.trained)
        .map(([r, n]) => `${r}: ${n}`)
        .join(', ') || 'none';
    this.s.log.appendLine(
      `evolve: ${summary.designed} designed (${summary.verified} verified), ${summary.refused} refused; runs completed by rung: ${trained}; ${summary.why}`,
    );
    setContext('blocksmith.evolutionPaused', summary.stopped);
    if (summary.stopped) {
      void vscode.window.showInformationMessage(
        'Blocksmith: evolution paused; the trainer saved a checkpoint. Resume Evolution continues where it was.',
      );
      return;
    }
    const pending = summary.pendingReview.length;
    const text =
      pending > 0
        ? `Blocksmith: Evolve waits for you: ${pending} proposal(s) to review. Accept or reject them, then Evolve again.`
        : `Blocksmith: Evolve finished: ${summary.why.replace('raise --max-designs', 'raise blocksmith.evolve.maxDesigns')}.`;
    // not awaited: the loop has ended whether or not the user answers
    void vscode.window
      .showInformationMessage(text, ...(pending > 0 ? ['Review Proposal'] : []), 'Open Dashboard')
      .then((pick) =>
        pick === 'Review Proposal'
          ? vscode.commands.executeCommand('blocksmith.reviewProposal')
          : pick === 'Open Dashboard'
            ? vscode.commands.executeCommand('blocksmith.openDashboard')
            : undefined,
      );
  }

  private async fail(store: DesignStore, err: unknown): Promise<void> {
    await this.release(store);
    const msg = err instanceof Error ? err.message : String(err);
    this.s.log.appendLine(`evolve: failed: ${err instanceof Error ? (err.stack ?? msg) : msg}`);
    setContext('blocksmith.evolutionPaused', true);
    void vscode.window
      .showErrorMessage(
        `Blocksmith: Evolve stopped on an error: ${msg}. Resume Evolution continues where it was.`,
        'Show Log',
      )
      .then((pick) => {
        if (pick === 'Show Log') {
          this.s.log.show(true);
        }
      });
  }

  private async release(store: DesignStore): Promise<void> {
    this.run = undefined;
    this.s.store.release();
    setContext('blocksmith.evolving', false);
    setContext('blocksmith.training', false);
    try {
      await store.close();
    } catch (err) {
      this.s.log.appendLine(`evolve: closing the store: ${(err as Error).message}`);
    }
  }

  dispose(): void {
    this.run?.stop();
  }
}
