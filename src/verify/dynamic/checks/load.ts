// dynamic/load: the module evaluates in the block context and default-exports a valid block
// whose hyperparameters resolve.
import { loadBlock } from '../../../gab/loader';
import { resolveHParams } from '../../../gab/runtime';
import { asBlockCode } from '../../../sandbox/guard';
import {
  errorText,
  fail,
  isAllocationError,
  pass,
  type CheckContext,
  type DynamicCheck,
} from '../context';

const ID = 'dynamic/load';

export const load: DynamicCheck = {
  id: ID,
  gate: () => true,
  run(ctx: CheckContext) {
    try {
      const block = asBlockCode(() => loadBlock(ctx.job.fileName, ctx.job.source));
      const hp = resolveHParams(block);
      ctx.block = block;
      return [pass(ID, `loaded design '${block.name}' (root unit ${block.root.name})`, { hp })];
    } catch (err) {
      if (isAllocationError(err)) {
        throw err; // the runner reports dynamic/memory-limit
      }
      return [
        fail(
          ID,
          `the block file failed to load: ${errorText(err)}. Fix the module's top-level code so it ` +
            `evaluates and ends with \`export default block({ name, hparams, root })\`.`,
        ),
      ];
    }
  },
};
