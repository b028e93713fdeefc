// `blocksmith evolve --workspace <dir>`: the evolution loop under budgets, with the human gate on
// by default (proposals wait in the review queue) or off (--auto-approve).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  laptopRungs,
  llmLoopDesigner,
  llmSetupProblem,
  offlineLoopDesigner,
  readState,
  startEvolve,
  type EvolveOptions,
  type EvolveSummary,
  type LlmSettings,
  type LoopDesigner,
} from '../../evolve/loop';
import { checkSettings } from '../../evolve/selection';
import { resolveRung } from '../../ladder/rungs';
import { DesignStore } from '../../store';
import type { Command, Io, Parsed } from '../io';
import { EXIT_OK, EXIT_USAGE, UsageError, flag, str } from '../io';
import { workersArg } from './train';

/** The workspace: --workspace, else the current folder; it must hold designs/ (from init). */
export function workspaceArg(p: Parsed, io: Io, command: string): string {
  const ws = resolve(io.cwd, str(p, 'workspace') ?? '.');
  if (!existsSync(join(ws, 'designs'))) {
    throw new UsageError(
      `${command}: ${ws} is not a discovery workspace (no designs/ folder)`,
      `create one with 'blocksmith init <dir>', then pass --workspace <dir>`,
    );
  }
  return ws;
}

function num(p: Parsed, name: string, dflt: number, int: boolean): number {
  const v = str(p, name);
  if (v === undefined) {
    return dflt;
  }
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (int && !Number.isInteger(n))) {
    throw new UsageError(
      `evolve: --${name} must be a ${int ? 'whole ' : ''}number >= 0, got '${v}'`,
    );
  }
  return n;
}

function settingsArg(p: Parsed): EvolveOptions['settings'] {
  const text = str(p, 'settings');
  try {
    return checkSettings(text === undefined ? {} : (JSON.parse(text) as unknown));
  } catch (err) {
    throw new UsageError(
      `evolve: --settings: ${(err as Error).message}`,
      `e.g. --settings '{"exploreRate":0.3}'`,
    );
  }
}

function rungsArg(p: Parsed): string[] {
  const names = (str(p, 'rungs') ?? laptopRungs().join(',')).split(',').filter((s) => s !== '');
  try {
    names.forEach((n) => resolveRung(n));
  } catch (err) {
    throw new UsageError(`evolve: --rungs: ${(err as Error).message}`);
  }
  return names;
}

function optionsFrom(p: Parsed): EvolveOptions {
  const scale = num(p, 'steps-scale', 1, false);
  if (scale <= 0) {
    throw new UsageError(
      'evolve: --steps-scale must be above 0 (1 trains each rung its full budget)',
    );
  }
  const workers = workersArg(p, 'evolve');
  const seed = num(p, 'seed', 0, true);
  return {
    autoApprove: flag(p, 'auto-approve'),
    maxDesigns: num(p, 'max-designs', 20, true),
    maxTrainRuns: num(p, 'max-train-runs', Infinity, true),
    maxTokens: num(p, 'max-tokens', 2_000_000, true),
    maxUsd: num(p, 'max-usd', 5, false),
    rungs: rungsArg(p),
    maxRefusals: num(p, 'max-refusals', 20, true),
    seed,
    train: {
      stepsScale: scale,
      backend: str(p, 'backend') ?? 'auto',
      seed,
      probes: flag(p, 'probes'),
      ...(str(p, 'evals-per-run') !== undefined
        ? { evalsPerRun: Math.max(1, num(p, 'evals-per-run', 4, true)) }
        : {}),
      ...(workers !== undefined ? { workers } : {}),
    },
    settings: settingsArg(p),
  };
}

/** The LLM call limits given on the command line (defaults in llmLoopDesigner). */
function llmLimits(p: Parsed): Partial<LlmSettings> {
  const has = (name: string): boolean => str(p, name) !== undefined;
  return {
    ...(has('llm-timeout') ? { timeoutMs: num(p, 'llm-timeout', 120, false) * 1000 } : {}),
    ...(has('llm-retries') ? { maxRetries: num(p, 'llm-retries', 3, true) } : {}),
    ...(has('coder-attempts') ? { maxCoderAttempts: num(p, 'coder-attempts', 3, true) } : {}),
    ...(has('max-usd-per-design')
      ? { maxUsdPerDesign: num(p, 'max-usd-per-design', 2, false) }
      : {}),
  };
}

function designerFor(p: Parsed, io: Io, store: DesignStore, o: EvolveOptions): LoopDesigner {
  const kind = str(p, 'designer') ?? 'offline';
  if (kind === 'offline') {
    return offlineLoopDesigner(o.seed);
  }
  if (kind !== 'llm') {
    throw new UsageError(
      `evolve: unknown designer '${kind}'`,
      'choose --designer offline or --designer llm',
    );
  }
  const s = readState(store);
  const llm = {
    baseURL: str(p, 'base-url') ?? io.env['BLOCKSMITH_BASE_URL'],
    model: str(p, 'model') ?? io.env['BLOCKSMITH_MODEL'],
    maxUsd: o.maxUsd,
    maxTokens: o.maxTokens,
    spent: { tokens: s.tokens, usd: s.usd },
    env: io.env as NodeJS.ProcessEnv,
    rung: o.rungs[0] ?? '50k',
    seed: o.seed,
    ...llmLimits(p),
  };
  const problem = llmSetupProblem(llm);
  if (problem !== undefined) {
    throw new UsageError(`evolve: ${problem}`, 'or use --designer offline, which needs no model');
  }
  return llmLoopDesigner(llm);
}

function report(io: Io, s: EvolveSummary, ws: string): void {
  const trained =
    Object.entries(s.trained)
      .map(([r, n]) => `${r}: ${n}`)
      .join(', ') || 'none';
  io.out(
    `designs: ${s.designed} proposed into the store (${s.verified} verified), ${s.refused} refused\n` +
      `runs completed by rung: ${trained}\n` +
      `${s.why.replace('<dir>', ws)}\n`,
  );
}

async function openStore(ws: string, command: string): Promise<DesignStore> {
  try {
    return await DesignStore.open(ws);
  } catch (err) {
    const msg = (err as Error).message;
    throw new UsageError(
      `${command}: ${msg}`,
      msg.includes('in use')
        ? "if 'blocksmith evolve' runs there, stop it (Ctrl-C: it checkpoints) first; 'blocksmith status' reads while it runs"
        : undefined,
    );
  }
}

export const evolveCommand: Command = {
  name: 'evolve',
  summary: 'run the evolution loop: design, verify, review, train up the ladder',
  help: `Usage: blocksmith evolve --workspace <dir> [options]

The discovery loop: a designer proposes (mutation, crossover, scratch, chosen by selection),
duplicates are refused, the verifier checks each proposal at the lowest rung, and accepted
designs train one at a time up the ladder while the designer keeps proposing. By default each
proposal waits in the review queue (blocksmith review); --auto-approve skips the gate.
Interrupt it at any moment (Ctrl-C, or a kill): run it again and it continues where it was.

Options:
  --workspace <dir>      the discovery workspace (default: the current folder)
  --designer <kind>      offline (default: no model) or llm
  --auto-approve         verified proposals train without review
  --max-designs <n>      designs the loop may add to this workspace over its lifetime,
                         across invocations (default 20): raise it to go on
  --max-train-runs <n>   training runs over the workspace's lifetime (default: no limit)
  --max-tokens <n>       LLM tokens over the workspace's lifetime (default 2000000)
  --max-usd <x>          LLM spend in US dollars over the workspace's lifetime (default 5)
  --rungs <a,b,..>       the ladder, smallest first (default: the laptop rungs ${laptopRungs().join(',')});
                         each rung trains at most its maxDesigns designs
  --steps-scale <x>      scales every rung's training steps (default 1; 0.1 for a quick look,
                         0.01 for tests: the fitness then says little)
  --settings <json>      selection settings, e.g. '{"exploreRate":0.3,"promoteFraction":0.5}'
  --max-refusals <n>     designer failures in a row before designing stops (default 20)
  --backend <name>       trainer backend (default auto)
  --workers <n>          data-parallel trainer workers
  --probes               score the probes after each run (slower)
  --evals-per-run <n>    validation passes per training run, the last at the end (default 4)
  --seed <n>             seed of selection, the designer and training (default 0)
  --base-url <url>       LLM endpoint (or BLOCKSMITH_BASE_URL); key from BLOCKSMITH_API_KEY
                         or OPENAI_API_KEY
  --model <name>         LLM model for every role (or BLOCKSMITH_MODEL)
  --llm-timeout <s>      deadline of one LLM call in seconds (default 120)
  --llm-retries <n>      retries of a call on 429 and 5xx, with back-off (default 3)
  --coder-attempts <n>   coder attempts per design, each seeing the verifier's errors (default 3)
  --max-usd-per-design <x>  LLM spend cap per design in US dollars (default: only the run's)
  -h, --help             show this help`,
  options: {
    workspace: { type: 'string' },
    designer: { type: 'string' },
    'auto-approve': { type: 'boolean' },
    'max-designs': { type: 'string' },
    'max-train-runs': { type: 'string' },
    'max-tokens': { type: 'string' },
    'max-usd': { type: 'string' },
    'max-refusals': { type: 'string' },
    rungs: { type: 'string' },
    'steps-scale': { type: 'string' },
    settings: { type: 'string' },
    backend: { type: 'string' },
    workers: { type: 'string' },
    probes: { type: 'boolean' },
    'evals-per-run': { type: 'string' },
    seed: { type: 'string' },
    'base-url': { type: 'string' },
    model: { type: 'string' },
    'llm-timeout': { type: 'string' },
    'llm-retries': { type: 'string' },
    'coder-attempts': { type: 'string' },
    'max-usd-per-design': { type: 'string' },
  },
  async run(p, io) {
    const ws = workspaceArg(p, io, 'evolve');
    const o = optionsFrom(p);
    const store = await openStore(ws, 'evolve');
    try {
      const designer = designerFor(p, io, store, o);
      const run = startEvolve(store, designer, o, (line) => {
        io.err(`${line}\n`);
      });
      const onSignal = (): void => {
        io.err('stopping: the trainer checkpoints; run evolve again to continue\n');
        run.stop();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const summary = await run.result.finally(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      });
      report(io, summary, str(p, 'workspace') ?? ws);
      return EXIT_OK;
    } catch (err) {
      if (err instanceof UsageError) {
        throw err;
      }
      io.err(`blocksmith evolve: ${(err as Error).message}\n`);
      return EXIT_USAGE;
    } finally {
      await store.close();
    }
  },
};

export { openStore };
