// The dynamic checks in the order they run: cheap before expensive.
import type { DynamicCheck } from '../context';
import { batchIndependence } from './batch-independence';
import { causality } from './causality';
import { finite } from './finite';
import { forwardShape } from './forward-shape';
import { gradients } from './gradients';
import { load } from './load';
import { lossDecreases } from './loss-decreases';
import { memory } from './memory';
import { params } from './params';
import { speed } from './speed';

export const DYNAMIC_CHECKS: readonly DynamicCheck[] = [
  load,
  forwardShape,
  finite,
  causality,
  batchIndependence,
  gradients,
  params,
  speed,
  memory,
  lossDecreases,
];
