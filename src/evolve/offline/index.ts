// The offline designer and its unit-variant library.
export {
  offlineDesigner,
  ratesFor,
  type OfflineDesigner,
  type OfflineDesignerOptions,
  type ParentDesign,
  type Proposal,
} from './designer';
export { instructionWords, type Steer } from './steer';
export { scratch, type LibraryUnit, type ScratchOptions } from './scratch';
export { unitRoles, blockParts, type UnitRole } from './roles';
export { VARIANTS, TRANSFORMS, variantsFor, type Role, type Variant } from './variants';
