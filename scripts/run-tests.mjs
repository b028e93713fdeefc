// Runs every compiled test file (out/test/**/*.test.js) with Node's own test runner.
// Usage: node scripts/run-tests.mjs [substring-filter ...]
// Skips out/test/e2e/**: those tests import 'vscode' and run only inside VS Code
// (scripts/e2e.mjs runs them).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.js') ? [p] : [];
  });
}
const filters = process.argv.slice(2);
const files = walk('out/test')
  .filter((f) => !f.split(/[\\/]/).join('/').startsWith('out/test/e2e/'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
