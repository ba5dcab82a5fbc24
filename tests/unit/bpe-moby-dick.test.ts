import { describe, expect, it } from 'vitest';
import { loadBundledCorpus } from '../../client/data/bundled-corpora.node.js';
import { trainBpe } from '../../client/text/bpe-training';
import { decodeUtf8Strict } from '../../client/text/utf8';

describe('BPE on Moby Dick (1.2 MB)', () => {
  it('trains a 512 vocab in seconds, halves the token count and round-trips the book', async () => {
    const bytes = await loadBundledCorpus('moby-dick');
    const text = decodeUtf8Strict(bytes);
    const start = performance.now();
    const tokenizer = trainBpe(text, 512);
    const seconds = (performance.now() - start) / 1000;
    // ~0.6-2 s here; the bound only catches a return to quadratic training.
    expect(seconds).toBeLessThan(20);
    const ids = tokenizer.encode(text);
    expect(ids.length).toBeLessThan(bytes.length * 0.5); // 581,243 tokens for 1,204,997 bytes
    const decoded = tokenizer.decodeBytes(ids);
    expect(decoded.length).toBe(bytes.length);
    expect(decoded.findIndex((byte, i) => byte !== bytes[i])).toBe(-1); // (toEqual is slow on 1.2 MB)
    // Spaces start words after pre-splitting, so ' t' is the most frequent pair in the book.
    expect(tokenizer.merges[0]).toEqual([32, 116]);
  }, 60_000);
});
