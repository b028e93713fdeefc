// Tokenizers round-trip any text; GPT-2 BPE matches the reference ids; Brown tags are stripped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripBrownTags } from '../../src/data/brown';
import { documentSeparator, GPT2_EOT, tokenizerFor } from '../../src/data/tokenizer';

const SAMPLES = [
  '',
  'Hello world',
  'café über naïve — “quotes”\n\ttabs',
  '日本語 and emoji 😀',
  'a\r\nb',
];

void test('bytes: UTF-8 bytes as ids, round trip', () => {
  const tok = tokenizerFor('bytes');
  assert.equal(tok.vocabSize, 256);
  assert.deepEqual([...tok.encode('Aé')], [65, 0xc3, 0xa9]);
  for (const s of SAMPLES) {
    assert.equal(tok.decode(tok.encode(s)), s);
  }
  assert.deepEqual(documentSeparator(tok), [10, 10]);
});

void test('gpt2: reference ids, round trip, special tokens in text stay text', () => {
  const tok = tokenizerFor('gpt2');
  assert.equal(tok.name, 'gpt2');
  assert.equal(tok.vocabSize, 50257);
  assert.deepEqual([...tok.encode('Hello world')], [15496, 995]);
  for (const s of [...SAMPLES, 'user text with <|endoftext|> inside']) {
    const ids = tok.encode(s);
    assert.ok(ids.every((i) => i < tok.vocabSize));
    assert.equal(tok.decode(ids), s);
  }
  assert.ok(!tok.encode('<|endoftext|>').includes(GPT2_EOT));
  assert.deepEqual(documentSeparator(tok), [GPT2_EOT]);
  assert.equal(tokenizerFor('gpt2'), tok, 'the GPT-2 tokenizer is loaded once');
});

void test('brown: tags stripped, punctuation and quotes rejoined', () => {
  const raw =
    "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, (/( 1/2/cd )/) Atlanta's/np$ ./.\n\n\n\tIt/pps ran/vbd ./.\n";
  assert.equal(stripBrownTags(raw), 'The jury said "no evidence", (1/2) Atlanta\'s.\nIt ran.\n');
  assert.equal(stripBrownTags('\n\n'), '');
});
