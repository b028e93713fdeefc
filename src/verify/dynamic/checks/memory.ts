// dynamic/memory: peak tensor bytes of a forward + backward step against the GPT seed's
// (> 3x error, > 1.5x warning). Uses the measurement dynamic/speed made.
import { fail, noErrorsExcept, pass, type DynamicCheck } from '../context';
import { judge } from './speed';

const ID = 'dynamic/memory';

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

export const memory: DynamicCheck = {
  id: ID,
  gate: noErrorsExcept('dynamic/speed'),
  run(ctx) {
    const perf = ctx.perf;
    if (!perf) {
      return [fail(ID, 'not measured: dynamic/speed did not run', undefined, 'info')];
    }
    const { design, baseline } = perf;
    if (!baseline) {
      return [
        pass(ID, `peak ${mib(design.bytes)} (no GPT seed baseline to compare with)`, {
          bytes: design.bytes,
        }),
      ];
    }
    const ratio = design.bytes / baseline.bytes;
    const data = {
      bytes: design.bytes,
      baselineBytes: baseline.bytes,
      ratio,
      nBlocks: design.nBlocks,
    };
    return [
      judge(
        ID,
        'peak tensor memory is',
        ratio,
        `${mib(design.bytes)} vs ${mib(baseline.bytes)}`,
        data,
        'avoid materialising [B, L, L] or [B, L, D, D] tensors per head and keep intermediate widths small; ops.linearScan chunks its state',
      ),
    ];
  },
};
