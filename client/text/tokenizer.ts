/**
 * The one tokenizer interface the trainer, the sampler and checkpoints use.
 * Every tokenizer here is byte-level: ids map to byte strings, so any UTF-8
 * text round-trips exactly, and decoded bytes go through Utf8StreamDecoder
 * to become text (a token may end in the middle of a character).
 */
import { BpeTokenizer, type BpeTokenizerJson } from './bpe-tokenizer';
import { ByteTokenizer, type ByteTokenizerJson } from './byte-tokenizer';
import { TokenizerError } from './tokenizer-error';

export type TokenizerJson = ByteTokenizerJson | BpeTokenizerJson;

export interface Tokenizer {
  readonly kind: TokenizerJson['kind'];
  /** Ids are 0 .. vocabSize-1. */
  readonly vocabSize: number;
  /** Text -> ids; decodeBytes(encode(t)) equals the UTF-8 of t. */
  encode(text: string): Uint32Array;
  /** Ids -> the concatenation of their bytes (not necessarily whole characters). */
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /** Plain data to store in a checkpoint; tokenizerFromJSON reverses it. */
  toJSON(): TokenizerJson;
}

/** Rebuilds a tokenizer from its JSON (already parsed), refusing anything malformed with a TokenizerError. */
export function tokenizerFromJSON(json: unknown): Tokenizer {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new TokenizerError('invalid-json', 'tokenizer JSON must be an object with a "kind"');
  }
  const kind = (json as { kind?: unknown }).kind;
  if (kind === 'byte') return ByteTokenizer.fromJSON(json);
  if (kind === 'bpe') return BpeTokenizer.fromJSON(json);
  throw new TokenizerError('invalid-json', `unknown tokenizer kind ${JSON.stringify(kind)}; expected "byte" or "bpe"`);
}
