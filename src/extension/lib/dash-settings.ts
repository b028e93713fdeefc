// The `blocksmith.*` settings that training and evolution read, checked and turned into the core's
// options (the same EvolveOptions the CLI builds from its flags). vscode-free: a getter is passed.
import { laptopRungs, stepsAt, type EvolveOptions, type TrainSettings } from '../../evolve/loop';
import { checkSettings } from '../../evolve/selection';
import { RUNGS, resolveRung } from '../../ladder/rungs';

/** Reads a setting under `blocksmith.` (vscode: getConfiguration('blocksmith').get). */
export type Getter = <T>(key: string, fallback: T) => T;

const positive = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;

const whole = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;

/** The rung to offer first: the setting when it names a rung, else the smallest. */
export function defaultRung(get: Getter): string {
  const r = get<string>('ladder.rung', '50k');
  return RUNGS.some((x) => x.name === r) ? r : (RUNGS[0]?.name ?? '50k');
}

/** What one training run takes from the settings. */
export function trainSettings(get: Getter): TrainSettings {
  const workers = whole(get<number>('train.workers', 0));
  return {
    stepsScale: positive(get<number>('train.stepsScale', 1), 1),
    backend: get<string>('train.backend', 'auto'),
    seed: 0,
    probes: get<boolean>('train.probes', false),
    ...(workers !== undefined ? { workers } : {}),
  };
}

/** Steps of a palette run at `rung`: the rung's budget under the steps scale (as the loop counts). */
export function stepsFor(rung: string, s: TrainSettings): number {
  return stepsAt(rung, s.stepsScale, s.seed);
}

/** The evolve rungs setting, checked: unknown names are an Error that says which. */
export function evolveRungs(get: Getter): string[] {
  const v = get<unknown>('evolve.rungs', laptopRungs());
  const names = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  if (names.length === 0) {
    return laptopRungs();
  }
  for (const n of names) {
    try {
      resolveRung(n);
    } catch (err) {
      throw new Error(
        `the setting blocksmith.evolve.rungs names an unknown rung: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  return names;
}

/** The LLM budget caps (workspace lifetime). */
export function llmCaps(get: Getter): { maxTokens: number; maxUsd: number } {
  return {
    maxTokens: Math.max(0, get<number>('llm.maxTokens', 2_000_000)),
    maxUsd: Math.max(0, get<number>('llm.maxUsd', 5)),
  };
}

/** The evolution loop's options from the settings (the same defaults as `blocksmith evolve`). */
export function evolveOptions(get: Getter): EvolveOptions {
  const caps = llmCaps(get);
  const train = trainSettings(get);
  return {
    autoApprove: get<boolean>('evolve.autoApprove', false),
    maxDesigns: whole(get<number>('evolve.maxDesigns', 16)) ?? 16,
    maxTrainRuns: whole(get<number>('evolve.maxTrainRuns', 0)) ?? Infinity,
    maxTokens: caps.maxTokens,
    maxUsd: caps.maxUsd,
    rungs: evolveRungs(get),
    maxRefusals: 20,
    seed: train.seed,
    train,
    settings: checkSettings({}),
  };
}

/** The LLM endpoint when one is configured (base URL and a proposer model), else undefined. */
export function llmEndpoint(get: Getter): { baseURL: string; model: string } | undefined {
  const baseURL = get<string>('llm.baseUrl', '').trim();
  const model = get<string>('llm.model.proposer', '').trim();
  return baseURL !== '' && model !== '' ? { baseURL, model } : undefined;
}
