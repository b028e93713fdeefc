import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import {
  WORKSPACE_CONTRACT,
  describeInit,
  initWorkspace,
  listDesigns,
  listSeeds,
  preferredSeed,
} from '../../src/core/workspace';
import { contractPath } from '../../src/paths';

const made: string[] = [];
function tmp(prefix = 'bs-ws-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
after(() => {
  for (const d of made) {
    rmSync(d, { recursive: true, force: true });
  }
});

function fakeSeeds(names: readonly string[]): string {
  const dir = tmp('bs-seeds-');
  for (const n of names) {
    mkdirSync(join(dir, n));
    writeFileSync(join(dir, n, 'block.ts'), `// seed ${n}\n`);
  }
  mkdirSync(join(dir, 'not-a-seed')); // no block.ts: ignored
  return dir;
}

void test('listSeeds: folders holding a block.ts, sorted', () => {
  assert.deepEqual(listSeeds(fakeSeeds(['rwkv', 'alpha'])), ['alpha', 'rwkv']);
});

void test('listSeeds: a missing seeds folder is a clear error', () => {
  assert.throws(() => listSeeds('/nonexistent/seeds'), /no seed designs at \/nonexistent\/seeds/);
});

void test('initWorkspace creates designs, design.json, the contract and a tsconfig', () => {
  const root = join(tmp(), 'ws');
  const r = initWorkspace(root, { seedsDir: fakeSeeds(['a', 'b']) });
  assert.deepEqual(r.seeds, ['a', 'b']);
  assert.deepEqual(r.kept, []);
  assert.equal(readFileSync(join(root, 'designs/a/block.ts'), 'utf8'), '// seed a\n');
  const meta = JSON.parse(readFileSync(join(root, 'designs/b/design.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  assert.equal(meta['id'], 'b');
  assert.deepEqual(meta['parents'], []);
  assert.equal(meta['operator'], 'seed');
  assert.equal(
    readFileSync(join(root, WORKSPACE_CONTRACT), 'utf8'),
    readFileSync(contractPath(), 'utf8'),
  );
  const cfg = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  assert.deepEqual(cfg.compilerOptions.paths['blocksmith/gab'], [`./${WORKSPACE_CONTRACT}`]);
  assert.equal(r.created.length, 2 * 2 + 2);
  assert.deepEqual(
    listDesigns(root).map((d) => [d.id, d.meta?.['operator']]),
    [
      ['a', 'seed'],
      ['b', 'seed'],
    ],
  );
});

void test('initWorkspace never overwrites: existing designs and files are kept and reported', () => {
  const root = tmp();
  const seeds = fakeSeeds(['a', 'b']);
  mkdirSync(join(root, 'designs/a'), { recursive: true });
  writeFileSync(join(root, 'designs/a/block.ts'), 'mine');
  writeFileSync(join(root, 'tsconfig.json'), '{"mine": true}');
  const r = initWorkspace(root, { seedsDir: seeds });
  assert.equal(readFileSync(join(root, 'designs/a/block.ts'), 'utf8'), 'mine');
  assert.equal(existsSync(join(root, 'designs/a/design.json')), false);
  assert.equal(readFileSync(join(root, 'tsconfig.json'), 'utf8'), '{"mine": true}');
  assert.deepEqual([...r.kept].sort(), [join('designs', 'a'), 'tsconfig.json']);
  assert.ok(existsSync(join(root, 'designs/b/block.ts')));
  const again = initWorkspace(root, { seedsDir: seeds });
  assert.deepEqual(again.created, []);
  assert.ok(describeInit(again, root).some((l) => l.includes('not overwritten')));
});

void test('preferredSeed opens the GPT seed first', () => {
  assert.equal(preferredSeed(['mamba2', 'gpt2', 'ttt']), 'gpt2');
  assert.equal(preferredSeed(['b', 'a']), 'b');
  assert.equal(preferredSeed([]), undefined);
});

/** Type-checks a workspace with its own tsconfig, as the editor's TypeScript would. */
function diagnosticsByFile(root: string): Map<string, string[]> {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  assert.ok(parsed, 'tsconfig parses');
  assert.deepEqual(parsed.errors, [], 'tsconfig has no errors');
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const out = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? '(global)';
    out.set(file, [...(out.get(file) ?? []), ts.flattenDiagnosticMessageText(d.messageText, ' ')]);
  }
  return out;
}

void test("the workspace tsconfig resolves 'blocksmith/gab': seeds type-check, a mistake does not", () => {
  const root = tmp();
  initWorkspace(root);
  mkdirSync(join(root, 'designs/bad'));
  writeFileSync(
    join(root, 'designs/bad/block.ts'),
    "import { ops, type Tensor } from 'blocksmith/gab';\nexport const f = (x: Tensor): Tensor => ops.nope(x);\n",
  );
  const diags = diagnosticsByFile(root);
  const bad = [...diags.entries()].filter(([f]) => f.endsWith('designs/bad/block.ts'));
  assert.equal(bad.length, 1);
  assert.match(bad[0][1].join('\n'), /nope/);
  const others = [...diags.entries()].filter(([f]) => !f.endsWith('designs/bad/block.ts'));
  assert.deepEqual(others, [], 'seeds compile against the copied contract');
});
