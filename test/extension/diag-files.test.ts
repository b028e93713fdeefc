// Which files get live diagnostics, and the parent a pending mutation is checked against.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  importsGab,
  isBlockPath,
  isLiveTarget,
  protectionFor,
} from '../../src/extension/lib/diag-files';

void test('diag-files: block paths and gab imports', () => {
  assert.ok(isBlockPath('/w/designs/gpt2/block.ts'));
  assert.ok(isBlockPath('C:\\w\\designs\\gpt2\\block.ts'));
  assert.ok(!isBlockPath('/w/designs/block.ts'));
  assert.ok(!isBlockPath('/w/src/gpt2/block.ts'));
  assert.ok(importsGab("import { ops } from 'blocksmith/gab';"));
  assert.ok(importsGab('import type { Ctx } from "blocksmith/gab"'));
  assert.ok(!importsGab("import { ops } from 'blocksmith/gabby';"));
  assert.ok(isLiveTarget('/w/scratch.ts', 'typescript', "import { unit } from 'blocksmith/gab'"));
  assert.ok(!isLiveTarget('/w/scratch.ts', 'typescript', "import x from 'y'"));
  assert.ok(!isLiveTarget('/w/designs/a/block.ts', 'markdown', ''));
});

void test('diag-files: a mutation pending review is checked against its parent', () => {
  const ws = mkdtempSync(join(tmpdir(), 'diag-files-'));
  try {
    const write = (id: string, json: object): string => {
      mkdirSync(join(ws, 'designs', id), { recursive: true });
      writeFileSync(join(ws, 'designs', id, 'block.ts'), `// ${id}\n`);
      writeFileSync(join(ws, 'designs', id, 'design.json'), JSON.stringify(json));
      return join(ws, 'designs', id, 'block.ts');
    };
    write('gpt2', { parents: [], operator: 'seed', status: 'verified' });
    const child = write('gpt2-m1', {
      parents: ['gpt2'],
      operator: 'mutate',
      unit: 'MHA',
      status: 'pending-review',
    });
    const accepted = write('gpt2-m2', {
      parents: ['gpt2'],
      operator: 'mutate',
      unit: 'MHA',
      status: 'verified',
    });
    assert.deepEqual(protectionFor(child), { parentSource: '// gpt2\n', editedUnit: 'MHA' });
    assert.deepEqual(protectionFor(accepted), {});
    assert.deepEqual(protectionFor(join(ws, 'designs', 'gpt2', 'block.ts')), {});
    writeFileSync(join(ws, 'designs', 'gpt2-m1', 'design.json'), '{ broken');
    assert.deepEqual(protectionFor(child), {});
    assert.deepEqual(protectionFor(join(ws, 'elsewhere.ts')), {});
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});
