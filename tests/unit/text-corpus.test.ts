import { describe, expect, it } from 'vitest';
import { CorpusError, prepareCorpus, sha256Hex } from '../../client/data/text-corpus';
import { trainBpe } from '../../client/text/bpe-training';
import { ByteTokenizer } from '../../client/text/byte-tokenizer';

const utf8 = (text: string) => new TextEncoder().encode(text);
const bytes = new ByteTokenizer();

async function refusal(promise: Promise<unknown>): Promise<CorpusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CorpusError);
  return error as CorpusError;
}

describe('prepareCorpus', () => {
  it('splits the first 90% of tokens into train and the last 10% into val', async () => {
    const text = 'abcdefghij'.repeat(10); // 100 byte tokens
    const corpus = await prepareCorpus(utf8(text), bytes, 8);
    expect(corpus.train).toHaveLength(90);
    expect(corpus.val).toHaveLength(10);
    expect(Array.from(corpus.train.subarray(0, 3))).toEqual([97, 98, 99]);
    expect(Array.from(corpus.val)).toEqual(Array.from(utf8('abcdefghij')));
    expect(corpus.bytes).toBe(100);
  });

  it('hashes the bytes with SHA-256', async () => {
    expect(await sha256Hex(utf8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const corpus = await prepareCorpus(utf8('x'.repeat(40)), bytes, 3);
    expect(corpus.hash).toBe(await sha256Hex(utf8('x'.repeat(40))));
  });

  it('tokenizes with the given tokenizer, in any script, without the byte-order mark', async () => {
    const text = '人工智能。'.repeat(30);
    const bpe = trainBpe(text, 260);
    const corpus = await prepareCorpus(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8(text)), bpe, 4);
    const all = [...corpus.train, ...corpus.val];
    expect(all).toEqual(Array.from(bpe.encode(text)));
    expect(corpus.bytes).toBe(3 + utf8(text).length);
  });

  it('refuses bytes that are not UTF-8, naming the offset', async () => {
    const error = await refusal(prepareCorpus(Uint8Array.of(...utf8('hello 人'), 0xe4, 0x20), bytes, 2));
    expect(error.code).toBe('not-utf8');
    expect(error.message).toContain('byte offset 9');
  });

  it('refuses an empty text (a lone byte-order mark is empty too)', async () => {
    expect((await refusal(prepareCorpus(new Uint8Array(0), bytes, 2))).code).toBe('empty');
    expect((await refusal(prepareCorpus(Uint8Array.of(0xef, 0xbb, 0xbf), bytes, 2))).code).toBe('empty');
  });

  it('refuses a text too short for one window in val, saying how many tokens are needed and present', async () => {
    const error = await refusal(prepareCorpus(utf8('a'.repeat(100)), bytes, 16));
    expect(error.code).toBe('too-short');
    expect(error.message).toBe(
      'this text is too short for context length 16: the validation part (last 10%) has 10 tokens and needs at least 17. ' +
        'The whole text is 100 tokens; at least 161 are needed.',
    );
    await expect(prepareCorpus(utf8('a'.repeat(161)), bytes, 16)).resolves.toBeTruthy();
    expect((await refusal(prepareCorpus(utf8('a'.repeat(160)), bytes, 16))).code).toBe('too-short');
  });

  it('refuses a context length that is not a positive integer', async () => {
    expect((await refusal(prepareCorpus(utf8('abc'), bytes, 0))).code).toBe('invalid-context-length');
  });
});
