import { describe, expect, it } from 'vitest';
import { BpeTokenizer } from '../../client/text/bpe-tokenizer';
import { trainBpe } from '../../client/text/bpe-training';
import { ByteTokenizer } from '../../client/text/byte-tokenizer';
import { compileSplitPattern, GPT2_SPLIT_PATTERN, splitText } from '../../client/text/pre-split';
import { type Tokenizer, tokenizerFromJSON } from '../../client/text/tokenizer';
import { TokenizerError } from '../../client/text/tokenizer-error';
import { Utf8StreamDecoder } from '../../client/text/utf8';

const utf8 = (text: string) => new TextEncoder().encode(text);

const SAMPLES = {
  ascii: "The whale's jaw, 42 fathoms down -- isn't it?\n\n  Indented line.\t\tTabs.",
  chinese: '人工智能正在改变世界。我们在浏览器里训练模型。',
  emoji: '🐋🐳 🇯🇵 👩‍👩‍👧 ❤️',
  mixed: 'Ishmael 说: «Call me 🐋» — naïve café, ١٢٣ digits, Ω≈ç√∫\r\n',
};

// An English-ish training text with plenty of repetition, plus every sample.
const CORPUS = `${'the quick brown fox jumps over the lazy dog. '.repeat(20)}${Object.values(SAMPLES).join('\n')}`;

function roundTrips(tokenizer: Tokenizer) {
  for (const [name, text] of Object.entries(SAMPLES)) {
    const ids = tokenizer.encode(text);
    expect(Array.from(tokenizer.decodeBytes(ids)), name).toEqual(Array.from(utf8(text)));
    for (const id of ids) expect(id).toBeLessThan(tokenizer.vocabSize);
  }
}

/** minbpe's plain algorithm: recount every pair each step; ties to the lowest (a, b). */
function naiveMerges(text: string, numMerges: number): [number, number][] {
  let words = splitText(text, compileSplitPattern(GPT2_SPLIT_PATTERN)).map((chunk) => Array.from(utf8(chunk)));
  const merges: [number, number][] = [];
  for (let m = 0; m < numMerges; m++) {
    const counts = new Map<string, number>();
    for (const w of words)
      for (let i = 0; i + 1 < w.length; i++)
        counts.set(`${w[i]},${w[i + 1]}`, (counts.get(`${w[i]},${w[i + 1]}`) ?? 0) + 1);
    let best: [number, number] | undefined;
    let bestCount = 0;
    for (const [key, count] of counts) {
      const [a, b] = key.split(',').map(Number) as [number, number];
      if (count > bestCount || (count === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b];
        bestCount = count;
      }
    }
    if (!best) break;
    const [a, b] = best;
    merges.push(best);
    words = words.map((w) => {
      const out: number[] = [];
      for (let i = 0; i < w.length; i++) {
        if (w[i] === a && w[i + 1] === b && i + 1 < w.length) {
          out.push(256 + m);
          i++;
        } else out.push(w[i] as number);
      }
      return out;
    });
  }
  return merges;
}

describe('ByteTokenizer', () => {
  it('is one token per UTF-8 byte: 人工智能 is 12 tokens', () => {
    const tokenizer = new ByteTokenizer();
    expect(Array.from(tokenizer.encode('人工智能'))).toEqual(Array.from(utf8('人工智能')));
    expect(tokenizer.encode('人工智能')).toHaveLength(12);
    roundTrips(tokenizer);
  });

  it('refuses ids outside 0..255', () => {
    expect(() => new ByteTokenizer().decodeBytes([65, 256])).toThrow('token id 256 at position 1');
  });
});

describe('splitText (GPT-2 pattern)', () => {
  it('splits words, numbers, symbols and whitespace in any script, covering the text exactly', () => {
    const regex = compileSplitPattern(GPT2_SPLIT_PATTERN);
    expect(splitText("I'll pay 42 €  now!", regex)).toEqual(['I', "'ll", ' pay', ' 42', ' €', ' ', ' now', '!']);
    expect(splitText('naïve 人工智能', regex)).toEqual(['naïve', ' 人工智能']);
    for (const text of Object.values(SAMPLES)) expect(splitText(text, regex).join('')).toBe(text);
  });

  it('keeps text a custom pattern does not match, and survives empty matches', () => {
    expect(splitText('ab 12', compileSplitPattern('\\p{L}+'))).toEqual(['ab', ' 12']);
    expect(splitText('a🐋b', compileSplitPattern('x*'))).toEqual(['a🐋b']);
  });
});

describe('BPE', () => {
  it('round-trips ASCII, Chinese, emoji and mixed text to their exact UTF-8 bytes', () => {
    const tokenizer = trainBpe(CORPUS, 300);
    roundTrips(tokenizer);
    roundTrips(tokenizerFromJSON(JSON.parse(JSON.stringify(tokenizer.toJSON()))));
  });

  it('learns exactly the merges of the plain minbpe algorithm (same tie-break)', () => {
    expect(trainBpe(CORPUS, 256 + 60).merges).toEqual(naiveMerges(CORPUS, 60));
  });

  it('is deterministic and honours the vocab size', () => {
    const a = trainBpe(CORPUS, 320);
    const b = trainBpe(CORPUS, 320);
    expect(a.vocabSize).toBe(320);
    expect(a.merges).toHaveLength(64);
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(a.encode(CORPUS).reduce((m, id) => Math.max(m, id), 0)).toBe(319); // the last merge is used
  });

  it('compresses English: fewer tokens than bytes', () => {
    const tokenizer = trainBpe(CORPUS, 300);
    const text = 'the lazy dog jumps over the quick brown fox.';
    expect(tokenizer.encode(text).length).toBeLessThan(utf8(text).length / 2);
  });

  it('applies merges by rank, never across chunk boundaries', () => {
    // Merges: t+h -> 256, 256+e -> 257, ' '+257 -> 258.
    const tokenizer = new BpeTokenizer(
      [
        [116, 104],
        [256, 101],
        [32, 257],
      ],
      GPT2_SPLIT_PATTERN,
    );
    expect(Array.from(tokenizer.encode('the the'))).toEqual([257, 258]);
    expect(Array.from(tokenizer.encode('th.e'))).toEqual([256, 46, 101]);
  });

  it('refuses a vocab size out of range and a corpus too small for it', () => {
    expect(() => trainBpe(CORPUS, 256)).toThrow('257..65536');
    expect(() => trainBpe('abab', 300)).toThrow(
      expect.objectContaining({ code: 'corpus-too-small', message: expect.stringMatching(/at most 258/) }),
    );
  });
});

describe('tokenizerFromJSON', () => {
  const good = {
    kind: 'bpe',
    vocabSize: 258,
    merges: [
      [97, 98],
      [256, 99],
    ],
    pattern: GPT2_SPLIT_PATTERN,
  };
  const cases: [string, unknown, string][] = [
    ['not an object', [1, 2], 'must be an object'],
    ['unknown kind', { kind: 'wordpiece' }, 'unknown tokenizer kind "wordpiece"'],
    ['byte vocab', { kind: 'byte', vocabSize: 300 }, 'vocabSize must be 256'],
    ['vocab not integer', { ...good, vocabSize: 257.5 }, 'vocabSize must be an integer'],
    ['merges count', { ...good, vocabSize: 259 }, 'needs 3 merges, found 2'],
    ['merges not array', { ...good, merges: 'ab' }, 'merges must be an array'],
    [
      'forward reference',
      {
        ...good,
        merges: [
          [97, 257],
          [97, 98],
        ],
      },
      'merges[0] must be [a, b] with integer ids below 256',
    ],
    ['bad pair', { ...good, merges: [[97], [97, 98]] }, 'merges[0]'],
    [
      'repeated pair',
      {
        ...good,
        merges: [
          [97, 98],
          [97, 98],
        ],
      },
      'merges[1] repeats the pair [97,98]',
    ],
    ['pattern type', { ...good, pattern: 5 }, 'pattern must be a string'],
    ['pattern syntax', { ...good, pattern: '(' }, 'pattern is not a valid regex'],
  ];
  for (const [name, json, message] of cases) {
    it(`refuses ${name} with a clear message`, () => {
      expect(() => tokenizerFromJSON(json)).toThrow(TokenizerError);
      expect(() => tokenizerFromJSON(json)).toThrow(message);
    });
  }

  it('accepts valid JSON of both kinds', () => {
    expect(tokenizerFromJSON({ kind: 'byte', vocabSize: 256 }).vocabSize).toBe(256);
    expect(new TextDecoder().decode(tokenizerFromJSON(good).decodeBytes([257, 256]))).toBe('abcab');
  });
});

describe('streaming generated tokens', () => {
  it('never yields invalid text when tokens cut a character in half', () => {
    const tokenizer = new ByteTokenizer();
    const text = '人工🐋';
    const ids = tokenizer.encode(text);
    const decoder = new Utf8StreamDecoder();
    const pieces = Array.from(ids, (id) => decoder.push(tokenizer.decodeBytes([id])));
    // Nothing is shown until a character is complete; no U+FFFD appears.
    expect(pieces).toEqual(['', '', '人', '', '', '工', '', '', '', '🐋']);
    expect(decoder.end()).toBe('');
  });

  it('shows an unfinished character at the end as one U+FFFD', () => {
    const tokenizer = trainBpe(CORPUS, 300);
    const ids = tokenizer.encode('人工');
    const bytes = tokenizer.decodeBytes(ids).subarray(0, 4); // 人 and the first byte of 工
    const decoder = new Utf8StreamDecoder();
    const shown = Array.from(bytes, (byte) => decoder.push(Uint8Array.of(byte))).join('') + decoder.end();
    expect(shown).toBe('人\uFFFD');
  });
});
