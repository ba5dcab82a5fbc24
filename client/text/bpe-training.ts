/**
 * Trains a byte-level BPE on a text: repeatedly merge the most frequent
 * adjacent pair into a new token (minbpe), ties going to the lowest pair
 * (lowest first id, then lowest second id), so the same text always gives the
 * same merges.
 *
 * Fast because (1) the text is pre-split and each distinct chunk is counted
 * once with its frequency, and (2) pair counts are updated incrementally: a
 * merge only revisits the chunks that contain the merged pair, and the next
 * best pair comes from a max-heap with lazy deletion, not a scan of all pairs.
 */
import { BpeTokenizer, MAX_BPE_VOCAB, mergePair, PAIR_KEY_BASE, pairKey } from './bpe-tokenizer';
import { compileSplitPattern, GPT2_SPLIT_PATTERN, splitText } from './pre-split';
import { TokenizerError } from './tokenizer-error';

export function trainBpe(text: string, vocabSize: number, pattern: string = GPT2_SPLIT_PATTERN): BpeTokenizer {
  if (!Number.isInteger(vocabSize) || vocabSize <= 256 || vocabSize > MAX_BPE_VOCAB) {
    throw new TokenizerError(
      'invalid-vocab-size',
      `BPE vocab size must be an integer in 257..${MAX_BPE_VOCAB}, got ${vocabSize}`,
    );
  }
  const chunkCounts = new Map<string, number>();
  for (const chunk of splitText(text, compileSplitPattern(pattern))) {
    chunkCounts.set(chunk, (chunkCounts.get(chunk) ?? 0) + 1);
  }
  const encoder = new TextEncoder();
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [chunk, count] of chunkCounts) {
    words.push(Array.from(encoder.encode(chunk)));
    freqs.push(count);
  }
  return new BpeTokenizer(learnMerges(words, freqs, vocabSize - 256), pattern);
}

/**
 * `numMerges` merges learned from `words` (byte ids of each distinct chunk,
 * rewritten in place as merges apply) weighted by `freqs`.
 */
export function learnMerges(words: number[][], freqs: number[], numMerges: number): [number, number][] {
  const counts = new Map<number, number>(); // pairKey -> weighted count
  const where = new Map<number, Set<number>>(); // pairKey -> words that may contain it (superset)
  const heap = new PairHeap();

  const countPairs = (w: number, sign: 1 | -1, changed: Set<number>) => {
    const ids = words[w] as number[];
    const weight = (freqs[w] as number) * sign;
    for (let i = 0; i + 1 < ids.length; i++) {
      const key = pairKey(ids[i] as number, ids[i + 1] as number);
      counts.set(key, (counts.get(key) ?? 0) + weight);
      changed.add(key);
      if (sign > 0) {
        const set = where.get(key);
        if (set) set.add(w);
        else where.set(key, new Set([w]));
      }
    }
  };

  const changed = new Set<number>();
  for (let w = 0; w < words.length; w++) countPairs(w, 1, changed);
  for (const key of changed) heap.push(counts.get(key) as number, key);

  const merges: [number, number][] = [];
  while (merges.length < numMerges) {
    const key = heap.popValid(counts);
    if (key === undefined) {
      throw new TokenizerError(
        'corpus-too-small',
        `this text supports at most ${256 + merges.length} BPE tokens (no pair left to merge); ` +
          `asked for ${256 + numMerges}. Choose a smaller vocab size or a longer text.`,
      );
    }
    const a = Math.floor(key / PAIR_KEY_BASE);
    const b = key % PAIR_KEY_BASE;
    const id = 256 + merges.length;
    merges.push([a, b]);
    changed.clear();
    for (const w of where.get(key) ?? []) {
      if (!containsPair(words[w] as number[], a, b)) continue;
      countPairs(w, -1, changed);
      words[w] = mergePair(words[w] as number[], a, b, id);
      countPairs(w, 1, changed);
    }
    where.delete(key);
    for (const k of changed) {
      const count = counts.get(k) as number;
      if (count > 0) heap.push(count, k);
      else counts.delete(k);
    }
  }
  return merges;
}

function containsPair(ids: number[], a: number, b: number): boolean {
  for (let i = 0; i + 1 < ids.length; i++) if (ids[i] === a && ids[i + 1] === b) return true;
  return false;
}

/**
 * Max-heap of (count, pairKey): higher count first, then lower key. Entries go
 * stale when a count changes (a fresh entry is pushed); popValid skips those.
 */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The best key whose entry still matches `current`, or undefined when none is left. */
  popValid(current: Map<number, number>): number | undefined {
    while (this.counts.length > 0) {
      const count = this.counts[0] as number;
      const key = this.keys[0] as number;
      this.popTop();
      if (count > 0 && current.get(key) === count) return key;
    }
    return undefined;
  }

  private popTop(): void {
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < last && this.before(left, best)) best = left;
      if (right < last && this.before(right, best)) best = right;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i] as number;
    const cj = this.counts[j] as number;
    return ci > cj || (ci === cj && (this.keys[i] as number) < (this.keys[j] as number));
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j] as number, this.counts[i] as number];
    [this.keys[i], this.keys[j]] = [this.keys[j] as number, this.keys[i] as number];
  }
}
