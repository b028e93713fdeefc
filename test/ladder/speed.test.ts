// Speed against the GPT seed: a GPT run on the same backend first, else the verifier's cached
// baseline with the design measured the same way; flagged when over 3x slower.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSteps } from '../../src/ladder/ladder';
import { resolveRung } from '../../src/ladder/rungs';
import { SLOW_RATIO, speedVsGpt } from '../../src/ladder/speed';

const never = (): Promise<number> => Promise.reject(new Error('must not measure'));

void test('speedVsGpt: a GPT run on the same backend is compared by training tokens/s', async () => {
  const ref = { run: { tokensPerSec: 9000, backend: 'wasm' }, baselineMs: { wasm: 10 } };
  assert.deepEqual(await speedVsGpt(ref, 'wasm', 3000, never), {
    relativeToGpt: 3000 / 9000,
    source: 'gpt-run',
    gptTokensPerSec: 9000,
    slow: false,
  });
  const slow = await speedVsGpt(ref, 'wasm', 2000, never);
  assert.equal(slow?.slow, true, `over ${SLOW_RATIO}x slower`);
});

void test('speedVsGpt: else the cached baseline of this backend, the design measured alike', async () => {
  const ref = { run: { tokensPerSec: 9000, backend: 'cpu' }, baselineMs: { wasm: 10 } };
  const r = await speedVsGpt(ref, 'wasm', 3000, () => Promise.resolve(40));
  assert.deepEqual(r, { relativeToGpt: 0.25, source: 'verifier-baseline', slow: true });
  assert.equal(await speedVsGpt(ref, 'tensorflow', 3000, never), undefined, 'nothing for it');
  assert.equal(await speedVsGpt(undefined, 'wasm', 3000, never), undefined);
});

void test("defaultSteps: the trainer's token budget of a rung", () => {
  // 20 tokens a parameter of 55,488, 16 sequences of 64 bytes a step
  assert.equal(defaultSteps(resolveRung('50k')), Math.ceil((20 * 55_488) / 1024));
});
