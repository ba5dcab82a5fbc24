/**
 * Byte-level BPE (minbpe-style). Ids 0..255 are bytes; merge i joins the pair
 * `merges[i] = [a, b]` into the new id 256 + i, so a merge's id is its rank.
 * Encoding pre-splits the text (pre-split.ts), then inside each chunk keeps
 * applying the lowest-ranked merge present until none applies.
 * Training lives in bpe-training.ts.
 */
import { compileSplitPattern, splitText } from './pre-split';
import type { Tokenizer } from './tokenizer';
import { TokenizerError } from './tokenizer-error';

export interface BpeTokenizerJson {
  kind: 'bpe';
  /** 256 + merges.length */
  vocabSize: number;
  /** merges[i] = [a, b]: ids joined into the token 256 + i; a, b < 256 + i. */
  merges: [number, number][];
  /** Source of the split regex, compiled with flags 'gu'. */
  pattern: string;
}

/** Pair keys are a * PAIR_KEY_BASE + b, so the vocab is capped at this size. */
export const PAIR_KEY_BASE = 65536;
export const MAX_BPE_VOCAB = PAIR_KEY_BASE;

export function pairKey(a: number, b: number): number {
  return a * PAIR_KEY_BASE + b;
}

/** Replaces every non-overlapping (a, b), left to right, with `id`. */
export function mergePair(ids: number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === a && ids[i + 1] === b && i + 1 < ids.length) {
      out.push(id);
      i++;
    } else {
      out.push(ids[i] as number);
    }
  }
  return out;
}

const encoder = new TextEncoder();
/** Encoded chunks are cached (words repeat); cleared when it grows past this many entries. */
const CACHE_LIMIT = 50_000;

export class BpeTokenizer implements Tokenizer {
  readonly kind = 'bpe';
  readonly vocabSize: number;
  private readonly regex: RegExp;
  /** pairKey(a, b) -> the id of their merge (its rank) */
  private readonly ranks = new Map<number, number>();
  /** id -> its bytes */
  private readonly tokenBytes: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();

  /** Trusts its input: use trainBpe or BpeTokenizer.fromJSON, which validate. */
  constructor(
    readonly merges: readonly (readonly [number, number])[],
    readonly pattern: string,
  ) {
    this.vocabSize = 256 + merges.length;
    this.regex = compileSplitPattern(pattern);
    for (let i = 0; i < 256; i++) this.tokenBytes.push(Uint8Array.of(i));
    merges.forEach(([a, b], i) => {
      const id = 256 + i;
      this.ranks.set(pairKey(a, b), id);
      const left = this.tokenBytes[a] as Uint8Array;
      const right = this.tokenBytes[b] as Uint8Array;
      const bytes = new Uint8Array(left.length + right.length);
      bytes.set(left);
      bytes.set(right, left.length);
      this.tokenBytes.push(bytes);
    });
  }

  encode(text: string): Uint32Array {
    const out: number[] = [];
    for (const chunk of splitText(text, this.regex)) {
      for (const id of this.encodeChunk(chunk)) out.push(id);
    }
    return Uint32Array.from(out);
  }

  private encodeChunk(chunk: string): number[] {
    const cached = this.cache.get(chunk);
    if (cached) return cached;
    let ids = Array.from(encoder.encode(chunk));
    while (ids.length >= 2) {
      // The pair present with the lowest rank (earliest merge) goes first.
      let best = -1;
      let bestId = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < ids.length; i++) {
        const id = this.ranks.get(pairKey(ids[i] as number, ids[i + 1] as number));
        if (id !== undefined && id < bestId) {
          bestId = id;
          best = i;
        }
      }
      if (best < 0) break;
      ids = mergePair(ids, ids[best] as number, ids[best + 1] as number, bestId);
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(chunk, ids);
    return ids;
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    let length = 0;
    for (let i = 0; i < ids.length; i++) {
      const bytes = this.tokenBytes[ids[i] as number];
      if (bytes === undefined) {
        throw new TokenizerError(
          'unknown-token',
          `token id ${ids[i]} at position ${i} is outside the vocab 0..${this.vocabSize - 1}`,
        );
      }
      length += bytes.length;
    }
    const out = new Uint8Array(length);
    let offset = 0;
    for (let i = 0; i < ids.length; i++) {
      const bytes = this.tokenBytes[ids[i] as number] as Uint8Array;
      out.set(bytes, offset);
      offset += bytes.length;
    }
    return out;
  }

  toJSON(): BpeTokenizerJson {
    return {
      kind: 'bpe',
      vocabSize: this.vocabSize,
      merges: this.merges.map(([a, b]) => [a, b]),
      pattern: this.pattern,
    };
  }

  static fromJSON(json: object): BpeTokenizer {
    const { vocabSize, merges, pattern } = json as Partial<Record<keyof BpeTokenizerJson, unknown>>;
    const fail = (why: string) => new TokenizerError('invalid-json', `BPE tokenizer JSON: ${why}`);
    if (!Number.isInteger(vocabSize) || (vocabSize as number) <= 256 || (vocabSize as number) > MAX_BPE_VOCAB) {
      throw fail(`vocabSize must be an integer in 257..${MAX_BPE_VOCAB}, got ${JSON.stringify(vocabSize)}`);
    }
    if (!Array.isArray(merges)) throw fail('merges must be an array of [a, b] pairs');
    if (merges.length !== (vocabSize as number) - 256) {
      throw fail(`vocabSize ${vocabSize} needs ${(vocabSize as number) - 256} merges, found ${merges.length}`);
    }
    const seen = new Set<number>();
    merges.forEach((merge: unknown, i) => {
      const valid = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < 256 + i;
      if (!(Array.isArray(merge) && merge.length === 2 && valid(merge[0]) && valid(merge[1]))) {
        throw fail(`merges[${i}] must be [a, b] with integer ids below ${256 + i}, got ${JSON.stringify(merge)}`);
      }
      const key = pairKey(merge[0], merge[1]);
      if (seen.has(key)) throw fail(`merges[${i}] repeats the pair ${JSON.stringify(merge)}`);
      seen.add(key);
    });
    if (typeof pattern !== 'string') throw fail('pattern must be a string (a regex source)');
    try {
      compileSplitPattern(pattern);
    } catch (error) {
      throw fail(`pattern is not a valid regex: ${(error as Error).message}`);
    }
    return new BpeTokenizer(merges as [number, number][], pattern);
  }
}
