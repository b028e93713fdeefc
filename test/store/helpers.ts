// Shared fixtures of the store tests: throwaway workspaces initialised with the real seeds.
import { after } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initWorkspace } from '../../src/core/workspace';

const made: string[] = [];
after(() => {
  for (const d of made) {
    rmSync(d, { recursive: true, force: true });
  }
});

/** A fresh folder, removed after the test file. */
export function tmp(prefix = 'bs-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A fresh `init` workspace (the five seeds under designs/). */
export function workspace(): string {
  const ws = tmp();
  initWorkspace(ws);
  return ws;
}

export function seedSource(ws: string, seed = 'gpt2'): string {
  return readFileSync(join(ws, 'designs', seed, 'block.ts'), 'utf8');
}

/** The GPT-2 seed with its head width changed: a different design. */
export function variant(gpt2: string, headDim: number): string {
  const out = gpt2.replace('headDim: 16,', `headDim: ${headDim},`);
  if (out === gpt2) {
    throw new Error('test fixture: the gpt2 seed no longer has `headDim: 16,`');
  }
  return out;
}
