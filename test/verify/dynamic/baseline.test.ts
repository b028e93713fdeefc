// The parent's GPT-baseline cache: keyed by what the figures depend on, and round-tripping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNGS } from '../../../src/ladder/rungs';
import {
  baselineKey,
  cacheDir,
  readBaseline,
  writeBaseline,
} from '../../../src/verify/dynamic/baseline';

void test('the key changes with the rung, the backend and the seed source', () => {
  const [a, b] = [RUNGS[0], RUNGS[1]];
  const key = baselineKey(a, 'wasm', 'src');
  assert.equal(key, baselineKey(a, 'wasm', 'src'));
  assert.notEqual(key, baselineKey(b, 'wasm', 'src'));
  assert.notEqual(key, baselineKey(a, 'cpu', 'src'));
  assert.notEqual(key, baselineKey(a, 'wasm', 'src2'));
});

void test('figures written under $XDG_CACHE_HOME read back; unknown keys read as undefined', () => {
  const saved = process.env.XDG_CACHE_HOME;
  const dir = mkdtempSync(join(tmpdir(), 'bs-cache-'));
  process.env.XDG_CACHE_HOME = dir;
  try {
    assert.equal(cacheDir(), join(dir, 'blocksmith'));
    assert.equal(readBaseline('k1'), undefined);
    writeBaseline('k1', { ms: 12.5, wallMs: 13, bytes: 1024 });
    writeBaseline('k2', { ms: 20, wallMs: 21, bytes: 2048 });
    assert.deepEqual(readBaseline('k1'), { ms: 12.5, wallMs: 13, bytes: 1024 });
    assert.equal(readBaseline('k2')?.bytes, 2048);
  } finally {
    if (saved === undefined) {
      delete process.env.XDG_CACHE_HOME;
    } else {
      process.env.XDG_CACHE_HOME = saved;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
