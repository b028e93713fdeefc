// The unit-variant library of the offline designer, by role.
import { ATTENTION_VARIANTS } from './attention';
import { LAYOUT_VARIANTS } from './layouts';
import { MLP_VARIANTS } from './mlp';
import { NORM_VARIANTS } from './norms';
import { RECURRENCE_VARIANTS } from './recurrence';
import type { Role, Variant } from './types';

export const VARIANTS: readonly Variant[] = [
  ...ATTENTION_VARIANTS,
  ...RECURRENCE_VARIANTS,
  ...MLP_VARIANTS,
  ...NORM_VARIANTS,
  ...LAYOUT_VARIANTS,
];

export function variantsFor(role: Role): Variant[] {
  return VARIANTS.filter((v) => v.role === role);
}

export { TRANSFORMS, type Transform } from './transforms';
export type { Role, Variant, Rendered, RenderInput } from './types';
export { pick } from './types';
