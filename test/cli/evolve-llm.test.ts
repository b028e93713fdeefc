// `blocksmith evolve --designer llm` end to end (in-process CLI) against the scripted loopback
// chat-completions server: good designs land in the store (pending review, or trained with
// --auto-approve), broken code is fixed after the verifier's feedback, and every fault (no code,
// wrong unit, 500, a hang, an endless stream, a 429 then an answer) ends in a recorded, readable
// refusal while the loop goes on. The API key reaches the server and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/cli';
import type { Io } from '../../src/cli/io';
import { initWorkspace } from '../../src/core/workspace';
import { seedsDir } from '../../src/paths';
import { coderAnswer, KEY, PROPOSAL, REVIEW_PASS } from '../agents/helpers';
import { tmp } from '../store/helpers';
import { startScriptedServer, type ScriptEntry } from '../support/openai-server';

/** A workspace holding the GPT seed only, so every mutation's parent has a GatedMLP. */
function gptWorkspace(): string {
  const seeds = join(tmp('bs-seeds-'), 'seeds');
  mkdirSync(seeds);
  cpSync(join(seedsDir(), 'gpt2'), join(seeds, 'gpt2'), { recursive: true });
  const ws = tmp('bs-evolve-llm-');
  initWorkspace(ws, { seedsDir: seeds });
  return ws;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    stdoutTTY: false,
    stderrTTY: false,
    env: { BLOCKSMITH_API_KEY: KEY },
    cwd: process.cwd(),
  };
  const code = await main(args, io);
  return { code, out, err };
}

/** Every file under `dir`, read as text. */
function allFiles(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? allFiles(path)
      : [{ path, text: readFileSync(path, 'latin1') }];
  });
}

const proposal = (summary: string): string =>
  PROPOSAL.replace(/^SUMMARY: .*$/m, `SUMMARY: ${summary}`);

interface Db {
  designs: Record<
    string,
    {
      record: {
        status: string;
        operator: string;
        parents: string[];
        unit?: string;
        proposal?: { detail?: { attempts?: number } };
      };
    }
  >;
  budgets: { evolve: { refused: { status?: string; reason: string }[]; tokens: number } };
}

const readDb = (ws: string): Db =>
  JSON.parse(readFileSync(join(ws, '.blocksmith', 'db.json'), 'utf8')) as Db;

function assertNoKey(ws: string, texts: readonly string[]): void {
  for (const f of allFiles(ws)) {
    assert.ok(!f.text.includes(KEY), `the API key leaked into ${f.path}`);
  }
  for (const t of texts) {
    assert.ok(!t.includes(KEY), 'the API key leaked into the output');
  }
}

void test('evolve --designer llm: good and fixed designs wait for review; every fault is a recorded refusal', async () => {
  const ws = gptWorkspace();
  const script: ScriptEntry[] = [
    // 1. a good design
    proposal('GELU gate'),
    REVIEW_PASS,
    coderAnswer('gelu'),
    // 2. broken code, fixed after the verifier's feedback
    proposal('ReLU gate'),
    REVIEW_PASS,
    coderAnswer('geluu'),
    coderAnswer('relu'),
    // 3. no code, twice
    proposal('Tanh gate'),
    REVIEW_PASS,
    'I would use tanh.',
    { fault: 'empty' },
    // 4. the proposer names a unit the parent lacks
    PROPOSAL.replace('UNIT: GatedMLP', 'UNIT: Nope'),
    // 5. a 500, and again after the retry
    { fault: 'server-error' },
    { fault: 'server-error', status: 502 },
    // 6. no answer before the deadline; an endless stream
    { fault: 'hang' },
    { fault: 'endless' },
    // 7. a 429 (retry at once), then a good design
    { fault: 'rate-limit', retryAfter: '0' },
    proposal('Sigmoid gate'),
    REVIEW_PASS,
    coderAnswer('sigmoid'),
  ];
  const server = await startScriptedServer(script);
  let r: { code: number; out: string; err: string };
  try {
    r = await cli([
      'evolve',
      '--workspace',
      ws,
      '--designer',
      'llm',
      '--base-url',
      server.baseURL,
      '--model',
      'm',
      '--max-designs',
      '3',
      '--max-train-runs',
      '0',
      '--rungs',
      '50k',
      '--llm-timeout',
      '1',
      '--llm-retries',
      '1',
      '--coder-attempts',
      '2',
    ]);
  } finally {
    await server.close();
  }
  assert.equal(r.code, 0, r.err);
  assert.equal(server.requests.length, script.length, 'every scripted answer was asked for');
  assert.ok(server.requests.every((q) => q.authorization === `Bearer ${KEY}`));
  const db = readDb(ws);
  const mine = Object.values(db.designs)
    .map((d) => d.record)
    .filter((d) => d.operator !== 'seed');
  assert.equal(mine.length, 3, r.err);
  for (const d of mine) {
    assert.equal(d.status, 'pending-review');
    assert.deepEqual(d.parents, ['gpt2']);
    assert.equal(d.unit, 'GatedMLP');
  }
  assert.deepEqual(
    mine.map((d) => d.proposal?.detail?.attempts),
    [1, 2, 1],
  );
  const refused = db.budgets.evolve.refused;
  assert.deepEqual(
    refused.map((x) => x.status),
    ['no-code', 'wrong-unit', 'server-error', 'timeout', 'timeout'],
  );
  assert.match(refused[0].reason, /the coder failed 2 time\(s\); last: the answer was empty/);
  assert.match(refused[1].reason, /the proposer chose 'Nope', which is not a unit of gpt2/);
  assert.match(refused[2].reason, /server error \(502\) 2 time\(s\)/);
  assert.match(refused[3].reason, /no complete answer within 1000 ms/);
  assert.ok(db.budgets.evolve.tokens > 0);
  assert.match(r.out, /3 proposed into the store \(0 verified\), 5 refused/);
  assert.match(r.err, /proposal refused: timeout: /);
  assertNoKey(ws, [r.out, r.err]);
  const st = await cli(['status', '--workspace', ws]);
  assert.match(st.out, /T\d\d:\d\d:\d\d timeout: the proposer call to m at http/);
  assert.match(st.out, /\d no-code: the coder failed 2 time/);
  const id = Object.keys(db.designs).find((k) => k !== 'gpt2') ?? '';
  const show = await cli(['review', 'show', id, '--workspace', ws]);
  assert.match(show.out, /^LLM reviewer: 4\/5\. Sound and cheap; worth a try\.$/m);
  for (const o of [st.out, show.out]) {
    assert.ok(!o.includes(KEY));
  }
});

void test('evolve --designer llm --auto-approve: the design is verified and trained at the lowest rung', async () => {
  const ws = gptWorkspace();
  const server = await startScriptedServer([
    proposal('GELU gate'),
    REVIEW_PASS,
    coderAnswer('gelu'),
  ]);
  let r: { code: number; out: string; err: string };
  try {
    r = await cli([
      'evolve',
      '--workspace',
      ws,
      '--designer',
      'llm',
      '--base-url',
      server.baseURL,
      '--model',
      'm',
      '--max-designs',
      '1',
      '--auto-approve',
      '--rungs',
      '50k',
      '--steps-scale',
      '0.002',
      '--workers',
      '1',
      '--max-train-runs',
      '2',
    ]);
  } finally {
    await server.close();
  }
  assert.equal(r.code, 0, r.err);
  const db = readDb(ws);
  const [d] = Object.entries(db.designs).filter(([, x]) => x.record.operator !== 'seed');
  assert.ok(d, r.err);
  assert.equal(d[1].record.status, 'trained', r.err);
  const report = JSON.parse(
    readFileSync(join(ws, '.blocksmith', 'runs', d[0], '50k', 'report.json'), 'utf8'),
  ) as { status: string };
  assert.equal(report.status, 'completed');
  assert.match(r.out, /runs completed by rung: 50k: 2/);
  assertNoKey(ws, [r.out, r.err]);
});
