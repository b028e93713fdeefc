// `blocksmith ladder <block.ts...>`: the narrowing ladder over several designs. Each trains at the
// lowest rung in the sandboxed trainer, one at a time; the top quarter by fitness (against the GPT
// seed at the same rung) goes up to the next rung, and so on. Prints a leaderboard per rung and a
// final ranking (--json: one object). Exit: 0 the ladder ran (or was stopped), 1 no design
// completed the first rung, 2 usage or internal error.
import { resolve } from 'node:path';
import { BACKEND_CHOICES, isBackendChoice } from '../../backend';
import { workersArg } from './train';
import { formatRanking, formatRung } from '../../ladder/format';
import { LadderError, startLadder, type LadderOptions } from '../../ladder/ladder';
import { RUNGS, resolveRung, RungError, type Rung } from '../../ladder/rungs';
import type { Command, Io, Parsed } from '../io';
import { EXIT_INVALID, EXIT_OK, UsageError, flag, str } from '../io';
import { readBlockFile } from './files';

const DEFAULT_RUNGS = RUNGS.filter((r) => r.kind === 'laptop').map((r) => r.name);

/** The rungs of --rungs, checked: known, no repeats, put in ladder order (smallest first). */
export function rungsOf(text: string | undefined): Rung[] {
  const names = (text ?? DEFAULT_RUNGS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  let rungs: Rung[];
  try {
    rungs = names.map((n) => resolveRung(n));
  } catch (e) {
    if (e instanceof RungError) {
      throw new UsageError(`ladder: ${e.message}`, "'blocksmith rungs' lists the ladder");
    }
    throw e;
  }
  const index = (r: Rung): number => RUNGS.findIndex((x) => x.name === r.name);
  if (new Set(rungs.map((r) => r.name)).size !== rungs.length || rungs.length === 0) {
    throw new UsageError(`ladder: --rungs '${text ?? ''}' names no rung or one twice`);
  }
  return rungs.sort((a, b) => index(a) - index(b));
}

/** The ladder the command line asks for; every usage error is raised here. */
export function ladderFromArgs(p: Parsed, io: Io): LadderOptions {
  if (p.positionals.length === 0) {
    throw new UsageError(
      'ladder: give one or more block files',
      'usage: blocksmith ladder designs/*/block.ts [--rungs 50k,250k,1M]',
    );
  }
  const blockPaths = p.positionals.map((a) => readBlockFile(io.cwd, a).path);
  const scaleText = str(p, 'steps-scale') ?? '1';
  const stepsScale = Number(scaleText);
  if (!(Number.isFinite(stepsScale) && stepsScale > 0 && stepsScale <= 1000)) {
    throw new UsageError(`ladder: --steps-scale must be a number above 0, got '${scaleText}'`);
  }
  const backend = str(p, 'backend') ?? io.env['BLOCKSMITH_BACKEND'] ?? 'auto';
  if (!isBackendChoice(backend)) {
    throw new UsageError(
      `ladder: unknown backend '${backend}'`,
      `choose one of ${BACKEND_CHOICES.join(', ')}`,
    );
  }
  const seed = Number(str(p, 'seed') ?? '0');
  if (!Number.isInteger(seed) || seed < 0) {
    throw new UsageError('ladder: --seed must be an integer >= 0');
  }
  const data = p.values['data'];
  const workers = workersArg(p, 'ladder');
  return {
    blockPaths,
    rungs: rungsOf(str(p, 'rungs')),
    stepsScale,
    probes: flag(p, 'probes'),
    backend,
    seed,
    dataPaths: (Array.isArray(data) ? (data as string[]) : []).map((d) => resolve(io.cwd, d)),
    ...(workers !== undefined ? { workers } : {}),
  };
}

/** JSON has no NaN or Infinity: written as strings, as in report.json. */
const nonFinite = (_k: string, v: unknown): unknown =>
  typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;

export const ladderCommand: Command = {
  name: 'ladder',
  summary: 'train several designs up the narrowing ladder and rank them against the GPT seed',
  help: `Usage: blocksmith ladder <block.ts...> [--rungs 50k,250k,1M] [--steps-scale F] [--probes] [--json]

Trains every design at the lowest rung, one at a time in the sandboxed trainer, ranks them by
fitness (validation loss, and probe scores with --probes, against the GPT seed at the same rung;
the seed trains as the reference when it is not among the designs), and promotes the top quarter
(at least one, at most what the next rung may train) to the next rung, and so on. A run that
finished is reused, never repeated; a stopped one resumes. A design that fails verification or
diverges is listed with that status and the ladder goes on. Ctrl-C stops the run in progress with
a checkpoint and ends the ladder.

Exit code: 0 the ladder ran or was stopped, 1 no design completed the first rung, 2 usage error.

Options:
  --rungs R,R       rungs to climb (default ${DEFAULT_RUNGS.join(',')}; 'blocksmith rungs' lists them)
  --steps-scale F   every run trains F times its rung's steps (e.g. 0.01 for a quick demo)
  --probes          train and score the probes (MQAR, induction, selective copying) per run
  --backend B       ${BACKEND_CHOICES.join(', ')} (default auto, or $BLOCKSMITH_BACKEND)
  --data FILE       a .txt or .jsonl corpus file (repeatable; default: the shipped corpus)
  --seed N          seed of initialisation and data order (default 0)
  --workers N       data-parallel worker threads of each run (default 2 on two cores or more)
  --json            print one JSON object at the end: { rungs, ranking, stopped, warnings }
  -h, --help        show this help`,
  options: {
    rungs: { type: 'string' },
    'steps-scale': { type: 'string' },
    probes: { type: 'boolean' },
    backend: { type: 'string' },
    data: { type: 'string', multiple: true },
    seed: { type: 'string' },
    workers: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(p, io) {
    const o = ladderFromArgs(p, io);
    const json = flag(p, 'json');
    let ladder;
    try {
      ladder = startLadder(o, progress(io, json));
    } catch (e) {
      if (e instanceof LadderError) {
        throw new UsageError(`ladder: ${e.message}`);
      }
      throw e;
    }
    const onSignal = (): void => {
      io.err('\nstopping: the run in progress writes a checkpoint, then the ladder ends\n');
      ladder.stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const r = await ladder.result;
      if (json) {
        io.out(`${JSON.stringify(r, nonFinite)}\n`);
      } else {
        r.warnings.forEach((w) => {
          io.err(`warning: ${w}\n`);
        });
        io.out(
          `${formatRanking(r.ranking)}${r.stopped ? 'stopped before the ladder ended\n' : ''}`,
        );
      }
      const first = r.rungs[0]?.entries ?? [];
      const anyDone = first.some((e) => !e.reference && e.status === 'completed');
      return anyDone || r.stopped ? EXIT_OK : EXIT_INVALID;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

/** Progress on stderr (a line a run; a live bar on a terminal) and each rung's leaderboard. */
function progress(io: Io, json: boolean): Parameters<typeof startLadder>[1] {
  let bar = false;
  const line = (text: string): void => {
    io.err(`${bar ? '\r\x1b[K' : ''}${text}\n`);
    bar = false;
  };
  return {
    onStart: (rung, who, i, n) => {
      line(`[${rung.name} ${i + 1}/${n}] ${who.id}${who.reference ? ' (GPT reference)' : ''}`);
    },
    onMessage: (rung, who, m) => {
      if (m.type === 'progress' && io.stderrTTY) {
        io.err(
          `\r\x1b[K  ${who.id} @ ${rung.name}: step ${m.step}/${m.totalSteps} loss ` +
            `${m.loss.toFixed(3)} ${Math.round(m.tokensPerSec)} tok/s`,
        );
        bar = true;
      }
    },
    onEntry: (_rung, e) => {
      const loss = e.valLoss !== undefined ? `, val loss ${e.valLoss.toFixed(4)}` : '';
      line(`  ${e.design}: ${e.status}${e.reused ? ' (reused)' : ''}${loss}`);
    },
    onRung: (r) => {
      if (!json) {
        io.out(`${formatRung(r)}\n`);
      }
    },
  };
}
