// Checkpoint files: exact round trip, the last two kept, and a truncated or corrupt newest file
// detected by its checksum, the previous one used instead (the bad one kept as *.corrupt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CheckpointError,
  checkpointName,
  decodeCheckpoint,
  encodeCheckpoint,
  loadLatestCheckpoint,
  saveCheckpoint,
  type CheckpointData,
} from '../../src/train/checkpoint';

interface Meta {
  readonly note: string;
}

function sample(step: number): CheckpointData<Meta> {
  const tensors = new Map([
    ['param/a', { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-8, step]) }],
    ['adam.m/a', { shape: [6], data: new Float32Array(6).fill(step / 7) }],
    ['empty', { shape: [0], data: new Float32Array(0) }],
  ]);
  return { step, meta: { note: `step ${step}` }, tensors };
}

void test('encode then decode gives back the step, the meta and every tensor bit for bit', () => {
  const ck = sample(42);
  const back = decodeCheckpoint<Meta>(encodeCheckpoint(ck));
  assert.equal(back.step, 42);
  assert.deepEqual(back.meta, ck.meta);
  assert.deepEqual([...back.tensors.keys()], [...ck.tensors.keys()]);
  for (const [name, t] of ck.tensors) {
    assert.deepEqual(back.tensors.get(name)?.shape, t.shape);
    assert.deepEqual(back.tensors.get(name)?.data, t.data);
  }
});

void test('a flipped byte or a cut-off file fails the checksum with a clear error', () => {
  const bytes = encodeCheckpoint(sample(1));
  const flipped = Buffer.from(bytes);
  flipped[20] = flipped[20] ^ 0xff;
  assert.throws(() => decodeCheckpoint(flipped, 'x.ckpt'), /x\.ckpt: checksum mismatch/);
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 9)), CheckpointError);
  assert.throws(() => decodeCheckpoint(Buffer.alloc(10)), /not a Blocksmith checkpoint/);
});

void test('saving keeps the newest two; a truncated newest falls back to the previous', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-ckpt-'));
  for (const step of [5, 10, 15]) {
    saveCheckpoint(dir, sample(step));
  }
  assert.deepEqual(readdirSync(dir).sort(), [checkpointName(10), checkpointName(15)]);
  const newest = join(dir, checkpointName(15));
  truncateSync(newest, readFileSync(newest).length - 100);
  const loaded = loadLatestCheckpoint<Meta>(dir);
  assert.equal(loaded.checkpoint?.step, 10);
  assert.equal(loaded.checkpoint.meta.note, 'step 10');
  assert.equal(loaded.skipped.length, 1);
  assert.match(loaded.skipped[0] ?? '', /checksum mismatch|truncated/);
  assert.ok(existsSync(`${newest}.corrupt`), 'the bad file is kept for inspection');
  // the next save counts only sound checkpoints: the fallback survives pruning
  saveCheckpoint(dir, sample(20));
  assert.equal(loadLatestCheckpoint<Meta>(dir).checkpoint?.step, 20);
  assert.ok(existsSync(join(dir, checkpointName(10))));
});

void test('no checkpoint, or only garbage: a fresh start, nothing thrown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-ckpt-'));
  assert.equal(loadLatestCheckpoint(dir).checkpoint, undefined);
  assert.equal(loadLatestCheckpoint(join(dir, 'missing')).checkpoint, undefined);
  writeFileSync(join(dir, checkpointName(3)), 'not a checkpoint');
  const loaded = loadLatestCheckpoint(dir);
  assert.equal(loaded.checkpoint, undefined);
  assert.equal(loaded.skipped.length, 1);
});
