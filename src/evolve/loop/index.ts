// The evolution loop: designer steps and training side by side over the design store.
export {
  startEvolve,
  laptopRungs,
  DESIGNED,
  type EvolveOptions,
  type EvolveRun,
  type EvolveSummary,
  type TrainHooks,
} from './loop';
export {
  offlineLoopDesigner,
  llmLoopDesigner,
  llmSetupProblem,
  type LlmSettings,
} from './designers';
export type { LoopDesigner, Proposed } from './design';
export { readState, STATE_KEY, type LoopState, type RunRecord } from './state';
export { collectResults, stepsAt, type TrainSettings } from './train';
