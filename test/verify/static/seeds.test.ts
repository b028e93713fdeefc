// Every seed design passes the static checks with no error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedsDir } from '../../../src/paths';
import { checkStatic } from '../../../src/verify/static/index';

const seeds = existsSync(seedsDir())
  ? readdirSync(seedsDir()).filter((s) => existsSync(join(seedsDir(), s, 'block.ts')))
  : [];

void test('static: the five seeds exist', () => {
  assert.deepEqual([...seeds].sort(), ['gpt2', 'mamba2', 'retnet', 'rwkv6', 'ttt']);
});

for (const seed of seeds) {
  void test(`static: seed ${seed} passes every static check`, () => {
    const path = join(seedsDir(), seed, 'block.ts');
    const results = checkStatic(path, readFileSync(path, 'utf8'));
    const failed = results.filter((r) => !r.ok);
    assert.deepEqual(
      failed.map((r) => `${r.id} ${r.line}:${r.column} ${r.message}`),
      [],
    );
    assert.equal(results.length, 9, 'one passing result per static check');
  });
}
