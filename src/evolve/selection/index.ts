// Selection for the evolution loop, as in Genesys: settings, fitness, the next action, promotions.
// Pure and seeded: no I/O, no clock; randomness only from the rng passed in.
export { checkSettings, defaultSettings, SettingsError, type EvolveSettings } from './settings';
export {
  fitnessTable,
  referenceId,
  resultFromReport,
  reviewRating,
  type FitnessEntry,
  type FitnessOptions,
  type FitnessTable,
  type RunResult,
  type RunResults,
} from './fitness';
export {
  chooseAction,
  PARENT_STATUSES,
  pools,
  SelectionError,
  viable,
  type Action,
  type Choice,
  type Operator,
} from './choose';
export { highestFirst, promotions, type Promotion, type RunningRun } from './promote';
export { masseyRatings, type Criterion } from './massey';
