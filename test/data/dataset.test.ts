// TokenDataset on small corpora made here: reading .txt and .jsonl, the errors it must give
// before training, deterministic batches, a disjoint held-out split, and the token cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, truncateSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, TokenDataset } from '../../src/data/dataset';
import { tokenizerFor } from '../../src/data/tokenizer';
import { jsonl, text, tmp, write } from './helpers';

const bytes = tokenizerFor('bytes');

function open(paths: string[], cacheDir: string, seed = 1, valFraction?: number) {
  return TokenDataset.open({ paths, tokenizer: bytes, cacheDir, seed, valFraction });
}

/** A corpus of one .txt (40 kB) and one .jsonl (3 documents) in a fresh folder. */
function corpus(): { dir: string; txt: string; docs: string[]; paths: string[] } {
  const dir = tmp();
  const txt = text(40_000, 1);
  const docs = [text(3000, 2), text(5000, 3), 'short'];
  const paths = [write(dir, 'a.txt', txt), write(dir, 'b.jsonl', jsonl(docs))];
  return { dir, txt, docs, paths };
}

function inRanges(ranges: readonly number[], start: number, end: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (start >= ranges[i] && end <= ranges[i + 1]) {
      return true;
    }
  }
  return false;
}

void test('txt and jsonl files are read whole, in path order, documents separated', async () => {
  const c = corpus();
  const ds = await open([...c.paths].reverse(), join(c.dir, 'cache'));
  // The stream: a.txt then b.jsonl (sorted by path), each document followed by a blank line.
  const stream = Buffer.from([c.txt, ...c.docs].map((s) => `${s}\n\n`).join(''));
  assert.equal(ds.totalTokens, stream.length);
  assert.equal(ds.describe().fileCount, 2);
  const n = 33;
  const rows = ds.trainBatch(2, 8, n - 1);
  ds.trainPositions(2, 8, n - 1).forEach((p, i) => {
    assert.deepEqual([...rows.subarray(i * n, (i + 1) * n)], [...stream.subarray(p, p + n)]);
  });
  ds.close();
});

void test('errors before training: missing file, bad jsonl line, empty, too small, bad type', async () => {
  const dir = tmp();
  const cache = join(dir, 'cache');
  await assert.rejects(open([join(dir, 'nope.txt')], cache), (e) => {
    return e instanceof DataError && /not found: .*nope\.txt/.test(e.message);
  });
  const bad = write(dir, 'bad.jsonl', `${jsonl(['ok one', 'ok two'])}{"text": "broken\n`);
  await assert.rejects(open([bad], cache), (e) => {
    return e instanceof DataError && e.message.includes('bad.jsonl:3:');
  });
  const noText = write(dir, 'notext.jsonl', `${jsonl(['fine'])}\n{"body": 1}\n`);
  await assert.rejects(open([noText], cache), /notext\.jsonl:3: no string field "text"/);
  const empty = write(dir, 'empty.txt', '');
  await assert.rejects(open([empty], cache), (e) => {
    return e instanceof DataError && /corpus is empty: .*empty\.txt/.test(e.message);
  });
  await assert.rejects(open([write(dir, 'small.txt', 'tiny text')], cache), /too small/);
  await assert.rejects(open([write(dir, 'x.csv', 'a,b')], cache), /unsupported type '\.csv'/);
});

void test('batches are a pure function of (seed, step)', async () => {
  const c = corpus();
  const a = await open(c.paths, join(c.dir, 'c1'), 7);
  const b = await open(c.paths, join(c.dir, 'c2'), 7);
  const other = await open(c.paths, join(c.dir, 'c1'), 8);
  assert.deepEqual(a.trainBatch(3, 4, 32), b.trainBatch(3, 4, 32));
  assert.deepEqual(a.trainBatch(3, 4, 32), a.trainBatch(3, 4, 32));
  assert.notDeepEqual(a.trainBatch(3, 4, 32), a.trainBatch(4, 4, 32));
  assert.notDeepEqual(a.trainBatch(3, 4, 32), other.trainBatch(3, 4, 32));
  assert.deepEqual(a.valBatches(3, 4, 32), other.valBatches(3, 4, 32), 'val is fixed');
  const [v0] = a.valBatches(1, 4, 32);
  assert.equal(v0.length, 4 * 33);
  assert.throws(() => a.trainBatch(-1, 4, 32), DataError);
  for (const ds of [a, b, other]) {
    ds.close();
  }
});

void test('train and val windows never overlap; the split is about valFraction', async () => {
  const c = corpus();
  const ds = await open(c.paths, join(c.dir, 'cache'));
  const { train, val } = ds.splitRanges();
  assert.ok(val.length > 0 && train.length > 0);
  for (let i = 0; i < val.length; i += 2) {
    assert.ok(!inRanges(train, val[i], val[i] + 1), 'a val range starts inside a train range');
  }
  const n = 65;
  for (let step = 0; step < 50; step++) {
    for (const p of ds.trainPositions(step, 8, n - 1)) {
      assert.ok(inRanges(train, p, p + n), `train window at ${p} leaves the train split`);
    }
  }
  for (const p of ds.valPositions(4, 8, n - 1)) {
    assert.ok(inRanges(val, p, p + n), `val window at ${p} leaves the val split`);
  }
  const row = ds.valBatches(1, 1, n - 1)[0];
  assert.equal(bytes.decode(row).length > 0, true);
  assert.throws(() => ds.valBatches(1, 1, 100_000), /context is too long/);
  ds.close();
});

void test('the cache is reused, re-split, and rebuilt when a file changes or is cut', async () => {
  const c = corpus();
  const cache = join(c.dir, 'cache');
  const first = await open(c.paths, cache);
  assert.equal(first.cacheInfo().action, 'built');
  const batch = first.trainBatch(1, 2, 16);
  first.close();
  const second = await open(c.paths, cache);
  assert.equal(second.cacheInfo().action, 'reused');
  assert.deepEqual(second.describe(), first.describe(), 'describe() is the same at every open');
  assert.deepEqual(second.trainBatch(1, 2, 16), batch);
  second.close();
  const third = await open(c.paths, cache, 1, 0.1);
  assert.equal(third.cacheInfo().action, 'resplit');
  third.close();
  appendFileSync(c.paths[0], 'one more line\n');
  utimesSync(c.paths[0], new Date(), new Date(Date.now() + 5000));
  const fourth = await open(c.paths, cache);
  assert.equal(fourth.cacheInfo().action, 'built');
  assert.equal(fourth.totalTokens, second.totalTokens + 'one more line\n'.length);
  fourth.close();
  const bin = readdirSync(cache).find((f) => f.endsWith('.bin'));
  assert.ok(bin !== undefined);
  truncateSync(join(cache, bin), 100);
  const fifth = await open(c.paths, cache);
  assert.equal(fifth.cacheInfo().action, 'built');
  fifth.close();
  assert.deepEqual(
    readdirSync(cache).filter((f) => f.includes('.tmp-')),
    [],
    'no temp files left',
  );
});

void test('a .txt larger than a read chunk streams whole, multi-byte characters intact', async () => {
  const dir = tmp();
  // ~2.4 MB: crosses two 1 MB chunk edges; one 1.2 MB line has no line end to cut at.
  const body = `${'é🙂 ligne\n'.repeat(60_000)}${'x'.repeat(1_200_000)}`;
  const ds = await open([write(dir, 'big.txt', body)], join(dir, 'cache'));
  assert.equal(ds.totalTokens, Buffer.byteLength(body) + 2);
  const p = ds.trainPositions(0, 1, 63)[0];
  const stream = Buffer.from(`${body}\n\n`);
  assert.deepEqual([...ds.trainBatch(0, 1, 63)], [...stream.subarray(p, p + 64)]);
  ds.close();
});

void test('the split depends on the text, not on the order of the files or the seed', async () => {
  const dir = tmp();
  const a = write(dir, 'b-first.txt', text(20_000, 4));
  const b = write(dir, 'a-second.txt', text(20_000, 5));
  const one = await open([a], join(dir, 'c1'), 1);
  const both = await open([b, a], join(dir, 'c2'), 2);
  // b-first.txt sorts after a-second.txt: its blocks shift by a-second's tokens, split unchanged.
  const shift = both.totalTokens - one.totalTokens;
  const valOfA = both.splitRanges().val.filter((_, i, r) => r[i - (i % 2)] >= shift);
  assert.deepEqual(
    valOfA.map((x) => x - shift),
    one.splitRanges().val,
  );
  one.close();
  both.close();
});
