// The in-host runner: VS Code loads this file as `extensionTestsPath` and awaits run() inside
// the real extension host (scripts/e2e.mjs starts it). It loads every compiled
// out/test/e2e/host/*.test.js, runs their tests one at a time with a timeout and prints
// TAP-like lines; a rejected run() makes VS Code end with exit code 1.
// Env: BLOCKSMITH_E2E_HOST_FILTER (substrings of file or test names, comma-separated),
// BLOCKSMITH_E2E_TEST_TIMEOUT_MS (default per test, 120000).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostTest } from './types';

interface Loaded {
  readonly file: string;
  readonly test: HostTest;
}

const DEFAULT_TIMEOUT_MS = 120_000;

function timeoutMs(): number {
  const raw = Number(process.env.BLOCKSMITH_E2E_TEST_TIMEOUT_MS);
  return Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_TIMEOUT_MS;
}

function filters(): string[] {
  const raw = process.env.BLOCKSMITH_E2E_HOST_FILTER ?? '';
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function isHostTests(value: unknown): value is HostTest[] {
  return (
    Array.isArray(value) &&
    value.every(
      (t: unknown) =>
        typeof t === 'object' &&
        t !== null &&
        typeof (t as HostTest).name === 'string' &&
        typeof (t as HostTest).run === 'function',
    )
  );
}

/** Every test of every *.test.js beside this file, in file then declaration order. */
function load(dir: string): Loaded[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  const only = filters();
  const out: Loaded[] = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dir, file)) as { tests?: unknown };
    if (!isHostTests(mod.tests)) {
      throw new Error(
        `${file}: expected \`export const tests: HostTest[]\` (see test/e2e/host/types.ts)`,
      );
    }
    for (const test of mod.tests) {
      const label = `${file} ${test.name}`;
      if (only.length === 0 || only.some((s) => label.includes(s))) {
        out.push({ file, test });
      }
    }
  }
  return out;
}

async function withTimeout(p: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${name}: timed out after ${ms} ms`));
    }, ms);
  });
  try {
    await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return text
    .split('\n')
    .map((l) => `  # ${l}`)
    .join('\n');
}

/** Runs one test; true when it passed. A throw or a timeout is a failure, never a crash. */
async function runOne(t: Loaded, index: number, ms: number): Promise<boolean> {
  const label = `${t.file.replace(/\.test\.js$/, '')}: ${t.test.name}`;
  const start = Date.now();
  try {
    await withTimeout(
      Promise.resolve().then(() => t.test.run()),
      ms,
      label,
    );
    console.log(`ok ${index} - ${label} (${Date.now() - start} ms)`);
    return true;
  } catch (err) {
    console.log(`not ok ${index} - ${label} (${Date.now() - start} ms)\n${describe(err)}`);
    return false;
  }
}

export async function run(): Promise<void> {
  const tests = load(__dirname);
  const ms = timeoutMs();
  console.log(`TAP version 13\n1..${tests.length}`);
  let failed = 0;
  for (const [i, t] of tests.entries()) {
    if (!(await runOne(t, i + 1, ms))) {
      failed++;
    }
  }
  console.log(`# in-host: ${tests.length - failed} passed, ${failed} failed`);
  if (tests.length === 0) {
    throw new Error('no in-host tests found in out/test/e2e/host/*.test.js');
  }
  if (failed > 0) {
    throw new Error(`${failed} of ${tests.length} in-host tests failed`);
  }
}
