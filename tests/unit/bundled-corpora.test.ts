import { describe, expect, it } from 'vitest';
import { BUNDLED_CORPORA, findBundledCorpus, namesCorpusText } from '../../client/data/bundled-corpora';
import { loadBundledCorpus } from '../../client/data/bundled-corpora.node.js';
import { decodeUtf8Strict } from '../../client/text/utf8';

describe('bundled corpora', () => {
  it('lists moby-dick and names with title, description and license', () => {
    expect(BUNDLED_CORPORA.map((c) => c.id)).toEqual(['moby-dick', 'names']);
    for (const corpus of BUNDLED_CORPORA) {
      expect(corpus.title.length).toBeGreaterThan(0);
      expect(corpus.description.length).toBeGreaterThan(0);
      expect(corpus.license).toBe('PDDL-1.0 AND CC0-1.0');
    }
    expect(() => findBundledCorpus('shakespeare')).toThrow(
      'unknown corpus "shakespeare"; bundled corpora: moby-dick, names',
    );
  });

  it('loads Moby Dick from its package: 1,204,997 bytes of UTF-8 starting at chapter 1', async () => {
    const bytes = await loadBundledCorpus('moby-dick');
    expect(bytes.length).toBe(1_204_997);
    const text = decodeUtf8Strict(bytes);
    expect(text.startsWith('CHAPTER 1. Loomings.\n\nCall me Ishmael.')).toBe(true);
  });

  it('loads the names: 8,422 distinct names, one per line, in a fixed shuffled order', async () => {
    const text = decodeUtf8Strict(await loadBundledCorpus('names'));
    const names = text.split('\n');
    expect(names.pop()).toBe(''); // every line ends in '\n'
    expect(names).toHaveLength(8422);
    expect(new Set(names).size).toBe(8422);
    expect(names).toContain('Herman');
    expect(names).toContain('Emma');
    expect(names).not.toEqual([...names].sort());
    expect(decodeUtf8Strict(await loadBundledCorpus('names'))).toBe(text);
  });

  it('builds the names text independently of list order and duplicates', () => {
    const a = namesCorpusText([
      ['Ann', 'Bo', 'Cy'],
      ['Cy', 'Di'],
    ]);
    expect(
      namesCorpusText([
        ['Di', 'Cy', 'Bo'],
        ['Ann', 'Ann'],
      ]),
    ).toBe(a);
    expect(a.split('\n').sort()).toEqual(['', 'Ann', 'Bo', 'Cy', 'Di']);
  });
});
