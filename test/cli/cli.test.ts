// Runs the real, bundled CLI (bin/blocksmith.js -> dist/cli.js) as a child process.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot, seedsDir } from '../../src/paths';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const root = packageRoot();
const bin = join(root, 'bin', 'blocksmith.js');

function cli(...args: string[]): Run {
  assert.ok(
    existsSync(join(root, 'dist', 'cli.js')),
    'dist/cli.js is missing: run `npm run build`',
  );
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const seed = (name: string): string => join(seedsDir(), name, 'block.ts');
const made: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-cli-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const d of made) {
    rmSync(d, { recursive: true, force: true });
  }
});

void test('--help and --version exit 0', () => {
  const help = cli('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: blocksmith <command>/);
  for (const c of ['init', 'verify', 'units', 'rungs']) {
    assert.match(help.stdout, new RegExp(`^  ${c} `, 'm'));
  }
  assert.match(cli('verify', '--help').stdout, /--static-only/);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  assert.equal(cli('--version').stdout.trim(), pkg.version);
});

void test('an unknown command or flag exits 2 with a hint', () => {
  const cmd = cli('frobnicate');
  assert.equal(cmd.code, 2);
  assert.match(cmd.stderr, /unknown command 'frobnicate'/);
  assert.match(cmd.stderr, /hint: .*blocksmith --help/);
  const opt = cli('rungs', '--frob');
  assert.equal(opt.code, 2);
  assert.match(opt.stderr, /--frob/);
  assert.match(opt.stderr, /blocksmith rungs --help/);
});

void test('init creates the workspace and refuses to clobber', () => {
  const dir = join(tmp(), 'demo');
  const first = cli('init', dir);
  assert.equal(first.code, 0, first.stderr);
  const block = join(dir, 'designs', 'gpt2', 'block.ts');
  assert.equal(readFileSync(block, 'utf8'), readFileSync(seed('gpt2'), 'utf8'));
  assert.ok(existsSync(join(dir, '.blocksmith', 'gab.d.ts')));
  assert.ok(existsSync(join(dir, 'tsconfig.json')));
  writeFileSync(block, '// my edit\n');
  const second = cli('init', dir, '--json');
  assert.equal(second.code, 0, second.stderr);
  const r = JSON.parse(second.stdout) as { created: string[]; kept: string[] };
  assert.deepEqual(r.created, []);
  assert.ok(r.kept.includes(join('designs', 'gpt2')));
  assert.equal(readFileSync(block, 'utf8'), '// my edit\n');
  assert.equal(cli('init').code, 2);
});

void test('rungs --json: the ladder, smallest first, with params', () => {
  const r = cli('rungs', '--json');
  assert.equal(r.code, 0);
  const rungs = JSON.parse(r.stdout) as { name: string; params: number; referenceParams: number }[];
  assert.equal(rungs[0]?.name, '50k');
  assert.ok(rungs.length >= 5);
  for (const [i, g] of rungs.entries()) {
    assert.equal(g.params, g.referenceParams);
    if (i > 0) {
      assert.ok(g.params > rungs[i - 1].params, `${g.name} is larger than the rung below`);
    }
  }
  assert.match(cli('rungs').stdout, /^name\s+kind/);
});

void test('units --json on a seed: the tree from the root, 1-based ranges', () => {
  const r = cli('units', seed('gpt2'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const tree = JSON.parse(r.stdout) as {
    root: string;
    units: { name: string; children: string[]; range: { start: { line: number } } }[];
  };
  const names = tree.units.map((u) => u.name);
  assert.ok(names.includes(tree.root), `root ${tree.root} is among the units`);
  for (const u of tree.units) {
    assert.ok(u.range.start.line >= 1);
    for (const c of u.children) {
      assert.ok(names.includes(c), `${u.name}'s child ${c} is defined`);
    }
  }
  assert.match(cli('units', seed('gpt2')).stdout, new RegExp(`root: ${tree.root}`));
  assert.equal(cli('units', '/nonexistent/block.ts').code, 2);
});

void test('verify: exit 2 for a missing file, an unknown rung or backend', () => {
  const missing = cli('verify', join(tmp(), 'nope.ts'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file: .*nope\.ts/);
  const rung = cli('verify', seed('gpt2'), '--rung', '7B');
  assert.equal(rung.code, 2);
  assert.match(rung.stderr, /unknown rung '7B'/);
  assert.equal(cli('verify', seed('gpt2'), '--backend', 'cuda').code, 2);
  assert.equal(cli('verify').code, 2);
});

const FORBIDDEN = `import { readFileSync } from 'fs';
import { unit, block, type Ctx } from 'blocksmith/gab';
export const hparams = {};
const Root = unit({ name: 'Root', children: [], forward(c: Ctx, x, z) {
  void readFileSync; void c; return [x, z];
} });
export default block({ name: 'bad', hparams, root: Root });
`;

void test('verify: exit 1 and the --json shape for a block importing fs', () => {
  const file = join(tmp(), 'block.ts');
  writeFileSync(file, FORBIDDEN);
  const r = cli('verify', file, '--static-only', '--json');
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Record<string, unknown> & {
    checks: Record<string, unknown>[];
  };
  assert.deepEqual(Object.keys(report).sort(), ['checks', 'ok']);
  assert.equal(report['ok'], false);
  const allowed = ['column', 'id', 'line', 'message', 'ok', 'severity'];
  for (const c of report.checks) {
    assert.ok(
      Object.keys(c).every((k) => allowed.includes(k)),
      `keys ${Object.keys(c).join()}`,
    );
    assert.equal(typeof c['id'], 'string');
  }
  const failed = report.checks.find((c) => c['ok'] === false && c['severity'] === 'error');
  assert.ok(failed, 'one error check failed');
  assert.equal(failed['line'], 1);
  const text = cli('verify', file, '--static-only');
  assert.equal(text.code, 1);
  assert.match(text.stdout, /block\.ts:1:\d+: error/);
});

void test('verify --static-only: exit 0 for the seeds, one JSON line per file', () => {
  const files = [seed('gpt2'), seed('mamba2')];
  const r = cli('verify', ...files, '--static-only', '--json');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { file: string; ok: boolean });
  assert.deepEqual(
    lines.map((l) => [l.file, l.ok]),
    files.map((f) => [f, true]),
  );
});
