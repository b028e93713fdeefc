// `blocksmith verify <block.ts...>`: static then dynamic checks; exit 0 valid, 1 invalid, 2 usage
// or internal error. `--json` prints the stable report shape (one object per line per file).
import { readFileSync } from 'node:fs';
import { resolveRung, RungError, SMALLEST_RUNG } from '../../ladder/rungs';
import { formatReport, paint, toJson } from '../../core/report';
import { verifySource } from '../../verify/index';
import type { VerifyReport } from '../../verify/types';
import type { Command, Io, Parsed } from '../io';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, flag, str, useColour } from '../io';
import type { BlockFile } from './files';
import { readBlockFile } from './files';

const BACKENDS = ['wasm', 'cpu'];

interface Plan {
  readonly files: readonly BlockFile[];
  readonly rung: string;
  readonly backend: string | undefined;
  readonly staticOnly: boolean;
  readonly json: boolean;
}

/** Checks the whole command line before anything runs, so a typo fails fast with code 2. */
function plan(p: Parsed, io: Io): Plan {
  if (p.positionals.length === 0) {
    throw new UsageError('verify: no block file given', 'usage: blocksmith verify <block.ts...>');
  }
  let rung: string;
  try {
    rung = resolveRung(str(p, 'rung') ?? SMALLEST_RUNG.name).name;
  } catch (e) {
    if (e instanceof RungError) {
      throw new UsageError(`verify: ${e.message}`, "'blocksmith rungs' lists the ladder");
    }
    throw e;
  }
  const backend = str(p, 'backend');
  if (backend !== undefined && !BACKENDS.includes(backend)) {
    throw new UsageError(
      `verify: unknown backend '${backend}'`,
      `choose one of ${BACKENDS.join(', ')}`,
    );
  }
  const files = p.positionals.map((f) => readBlockFile(io.cwd, f));
  return { files, rung, backend, staticOnly: flag(p, 'static-only'), json: flag(p, 'json') };
}

/** Progress on stderr: one line rewritten in place on a terminal, plain lines otherwise. */
function progress(io: Io, file: string): { update(msg: string): void; done(): void } {
  let shown = false;
  return {
    update(msg) {
      if (io.stderrTTY) {
        io.err(`\r\x1b[K${file}: ${msg}`);
        shown = true;
      } else {
        io.err(`${file}: ${msg}\n`);
      }
    },
    done() {
      if (shown) {
        io.err('\r\x1b[K');
      }
    },
  };
}

async function verifyOne(f: BlockFile, pl: Plan, io: Io): Promise<VerifyReport> {
  const bar = progress(io, f.shown);
  try {
    return await verifySource(f.path, readFileSync(f.path, 'utf8'), {
      rung: pl.rung,
      staticOnly: pl.staticOnly,
      onProgress: (m) => {
        bar.update(m);
      },
      ...(pl.backend !== undefined ? { backend: pl.backend } : {}),
    });
  } finally {
    bar.done();
  }
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check block files: static checks, then dynamic checks in a sandbox',
  help: `Usage: blocksmith verify <block.ts...> [--rung R] [--backend wasm|cpu] [--static-only] [--json]

Runs the static checks (compiler, imports and globals, unit structure, hyperparameters), then,
if they pass, the dynamic checks in a sandboxed child process (shapes, causality, batch
independence, gradients, finite values, parameter count, speed and memory, loss decrease).

Exit code: 0 every design valid, 1 one is not, 2 usage or internal error.

Options:
  --rung R          rung to check at (default ${SMALLEST_RUNG.name}; 'blocksmith rungs' lists them)
  --backend B       wasm (default) or cpu, for the dynamic checks
  --static-only     skip the dynamic checks (executes no block code)
  --json            { "ok", "checks": [{ "id", "ok", "severity", "message", "line"?, "column"? }] };
                    with several files, one object per line, each with a "file" key
  -h, --help        show this help`,
  options: {
    rung: { type: 'string' },
    backend: { type: 'string' },
    'static-only': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(p, io) {
    const pl = plan(p, io);
    const colours = paint(useColour(io));
    let code = EXIT_OK;
    for (const [i, f] of pl.files.entries()) {
      let report: VerifyReport;
      try {
        report = await verifyOne(f, pl, io);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        io.err(`blocksmith verify: internal error while verifying ${f.shown}: ${msg}\n`);
        code = EXIT_USAGE;
        continue;
      }
      if (!report.ok && code === EXIT_OK) {
        code = EXIT_INVALID;
      }
      if (pl.json) {
        const obj = toJson(report, pl.files.length > 1 ? f.shown : undefined);
        io.out(JSON.stringify(obj) + '\n');
      } else {
        io.out((i > 0 ? '\n' : '') + formatReport(f.shown, report, colours) + '\n');
      }
    }
    return code;
  },
};
