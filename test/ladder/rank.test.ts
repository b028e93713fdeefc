// The ladder's judgement on made-up results (no training): fitness against the GPT seed,
// promotion of the top quarter, the order of a leaderboard, the final ranking, and entries made
// from reports and from failed trainers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryFromFailure, entryFromReport, type Contender } from '../../src/ladder/entries';
import { formatRanking, formatRung } from '../../src/ladder/format';
import {
  finalRanking,
  fitnessOf,
  normaliser,
  PROBE_WEIGHT,
  promotionCount,
  scoreRung,
  skill,
  type RungEntry,
} from '../../src/ladder/rank';
import type { RunReport } from '../../src/train/report';
import type { TrainOutcome } from '../../src/train/spawn';

function entry(design: string, over: Partial<RungEntry> = {}): RungEntry {
  return {
    design,
    blockPath: `/ws/designs/${design}/block.ts`,
    reference: false,
    isGpt: false,
    status: 'completed',
    reused: false,
    ...over,
  };
}

const gptRef = (valLoss: number, over: Partial<RungEntry> = {}): RungEntry =>
  entry('gpt2', { reference: true, isGpt: true, valLoss, ...over });

void test('promotionCount: a quarter, at least one, at most the next rung takes', () => {
  assert.equal(promotionCount(0, 8), 0);
  assert.equal(promotionCount(1, 8), 1);
  assert.equal(promotionCount(3, 8), 1);
  assert.equal(promotionCount(5, 8), 2);
  assert.equal(promotionCount(32, 8), 8);
  assert.equal(promotionCount(64, 8), 8, 'capped by the next rung');
  assert.equal(promotionCount(4, 0), 0, 'no next rung');
});

void test('fitness: GPT scores 1, a lower loss more; probes blend in by PROBE_WEIGHT', () => {
  const ref = gptRef(2);
  assert.deepEqual(fitnessOf(ref, ref), { lossVsGpt: 1, fitness: 1 });
  const better = fitnessOf(entry('a', { valLoss: 1.6 }), ref);
  assert.equal(better.lossVsGpt, 0.8);
  assert.equal(better.fitness, 1.25);
  const probes = (acc: number) => [{ name: 'mqar', accuracy: acc, chance: 0.2 }];
  const refP = gptRef(2, { probes: probes(0.6) }); // skill 0.5
  const f = fitnessOf(entry('b', { valLoss: 2, probes: probes(1) }), refP); // skill 1
  assert.equal(f.probesVsGpt, 2 / 1.5);
  assert.equal(f.fitness, (1 - PROBE_WEIGHT) * 1 + PROBE_WEIGHT * (2 / 1.5));
  assert.equal(skill({ name: 'x', accuracy: 0.1, chance: 0.2 }), 0, 'below chance is no skill');
});

void test('scoreRung: ranked by fitness, the reference and the failures after, top quarter up', () => {
  const entries = [
    entry('slow', { valLoss: 2.4 }),
    gptRef(2),
    entry('bad', { status: 'invalid', message: 'verify error: dynamic/causality: leak' }),
    entry('best', { valLoss: 1.5 }),
    entry('nan', { status: 'diverged', message: 'diverged: loss is NaN at step 9' }),
    entry('good', { valLoss: 1.9 }),
    entry('ok', { valLoss: 2.1 }),
    entry('meh', { valLoss: 2.2 }),
  ];
  const scored = scoreRung(entries, 8);
  assert.deepEqual(
    scored.map((e) => e.design),
    ['best', 'good', 'ok', 'meh', 'slow', 'gpt2', 'nan', 'bad'],
  );
  assert.deepEqual(
    scored.map((e) => e.rank),
    [1, 2, 3, 4, 5, undefined, undefined, undefined],
  );
  // five ranked designs: a quarter rounds up to 2
  assert.deepEqual(
    scored.filter((e) => e.promoted).map((e) => e.design),
    ['best', 'good'],
  );
  assert.equal(scored.find((e) => e.design === 'gpt2')?.fitness, 1);
  assert.equal(scored.find((e) => e.design === 'bad')?.fitness, undefined);
  // the last rung promotes nobody
  assert.equal(scoreRung(entries, 0).filter((e) => e.promoted).length, 0);
});

void test('the GPT seed given as a design competes; without it the best design normalises', () => {
  const withGpt = scoreRung(
    [entry('gpt2', { isGpt: true, valLoss: 2 }), entry('a', { valLoss: 2.5 })],
    2,
  );
  assert.deepEqual(
    withGpt.map((e) => [e.design, e.rank, e.promoted]),
    [
      ['gpt2', 1, true],
      ['a', 2, false],
    ],
  );
  const noRef = [
    gptRef(NaN, { status: 'failed' }),
    entry('a', { valLoss: 3 }),
    entry('b', { valLoss: 2 }),
  ];
  assert.equal(normaliser(noRef)?.design, 'b');
  assert.equal(scoreRung(noRef, 2)[0]?.fitness, 1);
});

void test('finalRanking: the highest rung reached first, then fitness; never-completed last', () => {
  const r50 = scoreRung(
    [
      gptRef(2),
      entry('a', { valLoss: 1.8 }),
      entry('b', { valLoss: 1.9 }),
      entry('c', { valLoss: 2.5 }),
      entry('x', { status: 'invalid' }),
    ],
    1,
  );
  const r250 = scoreRung([gptRef(1.5), entry('a', { status: 'diverged', message: 'diverged' })], 0);
  const ranking = finalRanking([
    { rung: '50k', entries: r50 },
    { rung: '250k', entries: r250 },
  ]);
  assert.deepEqual(
    ranking.map((p) => [p.design, p.highestRung, p.status]),
    [
      ['a', '50k', 'diverged'],
      ['b', '50k', 'completed'],
      ['c', '50k', 'completed'],
      ['x', undefined, 'invalid'],
    ],
  );
  const text = formatRanking(ranking);
  assert.match(text, /^Final ranking\n#\s+design\s+highest rung/);
  assert.match(text, /\n4\s+x\s+-\s+-\s+-\s+invalid/);
});

const who: Contender = {
  id: 'a',
  blockPath: '/ws/designs/a/block.ts',
  source: '',
  hash: 'h',
  isGpt: false,
  reference: false,
};

function report(over: Partial<RunReport> = {}): RunReport {
  return {
    design: 'a',
    blockPath: who.blockPath,
    codeHash: 'h',
    rung: {} as RunReport['rung'],
    hp: {},
    seed: 0,
    backend: 'wasm',
    workers: 1,
    status: 'completed',
    steps: 100,
    tokens: 102400,
    wallMs: 20000,
    tokensPerSec: 1000,
    curves: { trainLoss: [], valLoss: [] },
    final: { trainLoss: 2, valLoss: 1.9, bitsPerByte: 1.9 / Math.LN2 },
    probes: [{ name: 'mqar', accuracy: 0.5, chance: 0.03, steps: 150, lr: 0.01, detail: {} }],
    startedAt: '',
    finishedAt: '',
    versions: {},
    ...over,
  };
}

void test('entryFromReport: figures, probes, speed against the reference run, NaN as a string', () => {
  const ref = report({ tokensPerSec: 4000 });
  const e = entryFromReport(who, report(), '/r.json', { reused: false, refRun: ref });
  assert.equal(e.valLoss, 1.9);
  assert.equal(e.speedVsGpt, 0.25);
  assert.equal(e.slow, true, '4x slower than GPT is flagged');
  assert.deepEqual(e.probes, [{ name: 'mqar', accuracy: 0.5, chance: 0.03 }]);
  const own = entryFromReport(
    who,
    report({ speed: { relativeToGpt: 0.5, source: 'gpt-run', slow: false } }),
    '/r.json',
    { reused: true, note: 'reused', refRun: ref },
  );
  assert.equal(own.speedVsGpt, 0.5, "the report's own figure wins");
  assert.equal(own.message, 'reused');
  const nan = { trainLoss: 'NaN', valLoss: 'NaN' } as unknown as RunReport['final'];
  const diverged = entryFromReport(
    who,
    report({ status: 'diverged', final: nan, config: { diverged: 'loss is NaN at step 7' } }),
    '/r.json',
    { reused: false },
  );
  assert.equal(diverged.status, 'diverged');
  assert.ok(Number.isNaN(diverged.valLoss));
  assert.equal(diverged.message, 'diverged: loss is NaN at step 7');
});

void test('entryFromFailure: a verify error is invalid with its first failed check', () => {
  const out = (error: TrainOutcome['error']): TrainOutcome => ({
    done: undefined,
    error,
    exitCode: 1,
    signal: null,
    stderrTail: '',
  });
  const invalid = entryFromFailure(
    who,
    out({
      type: 'error',
      kind: 'verify',
      message:
        'b.ts failed verification, so no training started:\n  b.ts train/causality: at the training shape...\nFix these',
    }),
  );
  assert.equal(invalid.status, 'invalid');
  assert.match(
    invalid.message ?? '',
    /^verify error: b\.ts train\/causality: at the training shape/,
  );
  const crashed = entryFromFailure(who, {
    ...out(undefined),
    exitCode: null,
    signal: 'SIGKILL',
    stderrTail: 'oom\n',
  });
  assert.equal(crashed.status, 'failed');
  assert.match(crashed.message ?? '', /signal SIGKILL\): oom/);
});

void test('formatRung: one row a design, marks, notes and the promoted line', () => {
  const text = formatRung({
    rung: '50k',
    entries: scoreRung(
      [
        gptRef(2, { reused: true, tokensPerSec: 8000, speedVsGpt: 1, wallMs: 61_000 }),
        entry('a', {
          valLoss: 1.8,
          bitsPerByte: 2.6,
          tokensPerSec: 2000,
          speedVsGpt: 0.25,
          slow: true,
        }),
        entry('x', { status: 'invalid', message: 'verify error: leak' }),
      ],
      8,
    ),
  });
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'Rung 50k');
  assert.match(
    lines[1] ?? '',
    /^#\s+design\s+status\s+val loss\s+bits\/byte\s+loss vs GPT\s+fitness\s+tok\/s\s+speed vs GPT\s+wall$/,
  );
  assert.match(
    lines[2] ?? '',
    /^1\^\s+a\s+completed\s+1\.8000\s+2\.600\s+0\.90x\s+1\.111\s+2000\s+0\.25x SLOW/,
  );
  assert.match(lines[3] ?? '', /^-\s+gpt2 \(reference, reused\)\s+completed\s+2\.0000.*1m01s$/);
  assert.match(lines[4] ?? '', /^-\s+x\s+invalid\s+-/);
  assert.equal(lines[5], '  x: verify error: leak');
  assert.equal(lines[6], '  promoted (^): a');
});
