// Settings -> the core's options: the same defaults as `blocksmith evolve`, checked rungs, steps
// scaled as the loop scales them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepsAt } from '../../src/evolve/loop';
import {
  defaultRung,
  evolveOptions,
  llmEndpoint,
  stepsFor,
  trainSettings,
  type Getter,
} from '../../src/extension/lib/dash-settings';

const getter =
  (values: Record<string, unknown>): Getter =>
  <T>(key: string, fallback: T): T =>
    (Object.hasOwn(values, key) ? values[key] : fallback) as T;

void test('evolveOptions: the gate on, the laptop rungs, no train-run limit by default', () => {
  const o = evolveOptions(getter({}));
  assert.equal(o.autoApprove, false);
  assert.deepEqual(o.rungs, ['50k', '250k', '1M']);
  assert.equal(o.maxTrainRuns, Infinity);
  assert.equal(o.maxUsd, 5);
  assert.equal(o.maxTokens, 2_000_000);
  assert.equal(o.train.stepsScale, 1);
  assert.equal(o.train.workers, undefined);
});

void test('evolveOptions: settings apply; an unknown rung is an error naming the setting', () => {
  const o = evolveOptions(
    getter({
      'evolve.autoApprove': true,
      'evolve.maxDesigns': 3,
      'evolve.rungs': ['50k'],
      'train.stepsScale': 0.05,
      'train.workers': 1,
      'llm.maxUsd': 0.5,
    }),
  );
  assert.equal(o.autoApprove, true);
  assert.equal(o.maxDesigns, 3);
  assert.deepEqual(o.rungs, ['50k']);
  assert.equal(o.train.stepsScale, 0.05);
  assert.equal(o.train.workers, 1);
  assert.equal(o.maxUsd, 0.5);
  assert.throws(
    () => evolveOptions(getter({ 'evolve.rungs': ['9G'] })),
    /blocksmith\.evolve\.rungs/,
  );
});

void test('trainSettings: a non-positive scale falls back to 1; steps match the loop', () => {
  assert.equal(trainSettings(getter({ 'train.stepsScale': 0 })).stepsScale, 1);
  const s = trainSettings(getter({ 'train.stepsScale': 0.05 }));
  assert.equal(stepsFor('50k', s), stepsAt('50k', 0.05, 0));
  assert.ok(stepsFor('50k', s) >= 2);
});

void test('defaultRung and llmEndpoint', () => {
  assert.equal(defaultRung(getter({})), '50k');
  assert.equal(defaultRung(getter({ 'ladder.rung': '250k' })), '250k');
  assert.equal(defaultRung(getter({ 'ladder.rung': 'bogus' })), '50k');
  assert.equal(llmEndpoint(getter({ 'llm.baseUrl': 'http://x/v1' })), undefined);
  assert.deepEqual(
    llmEndpoint(getter({ 'llm.baseUrl': ' http://x/v1 ', 'llm.model.proposer': 'm' })),
    {
      baseURL: 'http://x/v1',
      model: 'm',
    },
  );
});
