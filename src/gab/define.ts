// Runtime of `unit(...)` and `block(...)`: they only tag and freeze the spec; the runtime
// (runtime.ts) gives them meaning when the block runs.
import type { Block, BlockSpec, HParams, Unit, UnitSpec } from './contract';
import { GabError } from './errors';

export function unit<H extends HParams>(spec: UnitSpec<H>): Unit<H> {
  if (typeof spec.name !== 'string' || spec.name === '') {
    throw new GabError('unit(): `name` must be a non-empty string');
  }
  if (!isList(spec.children)) {
    throw new GabError(`unit ${spec.name}: \`children\` must be an array of units`);
  }
  if (typeof spec.forward !== 'function') {
    throw new GabError(`unit ${spec.name}: \`forward\` must be a function`);
  }
  const children: Unit<H>[] = spec.children.slice();
  Object.freeze(children);
  return Object.freeze({ ...spec, children, kind: 'unit' });
}

/** Array.isArray without narrowing to any[] (block arrays come from another V8 realm). */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}

export function block<H extends HParams>(spec: BlockSpec<H>): Block<H> {
  if ((spec.root as Partial<Unit<H>> | undefined)?.kind !== 'unit') {
    throw new GabError('block(): `root` must be a unit declared with unit({...})');
  }
  return Object.freeze({ ...spec, hparams: Object.freeze({ ...spec.hparams }), kind: 'block' });
}

export function isBlock(value: unknown): value is Block {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'block'
  );
}
