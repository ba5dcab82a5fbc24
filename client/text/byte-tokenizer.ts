/**
 * Byte-level tokenizer: each UTF-8 byte is one token, vocab 256. The default:
 * works for every language with nothing to train (人工智能 is 4 characters,
 * 12 bytes, 12 tokens).
 */
import type { Tokenizer } from './tokenizer';
import { TokenizerError } from './tokenizer-error';

export interface ByteTokenizerJson {
  kind: 'byte';
  vocabSize: 256;
}

const encoder = new TextEncoder();

export class ByteTokenizer implements Tokenizer {
  readonly kind = 'byte';
  readonly vocabSize = 256;

  encode(text: string): Uint32Array {
    return Uint32Array.from(encoder.encode(text));
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const out = new Uint8Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!(Number.isInteger(id) && id >= 0 && id < 256)) {
        throw new TokenizerError('unknown-token', `token id ${id} at position ${i} is outside the byte vocab 0..255`);
      }
      out[i] = id;
    }
    return out;
  }

  toJSON(): ByteTokenizerJson {
    return { kind: 'byte', vocabSize: 256 };
  }

  static fromJSON(json: object): ByteTokenizer {
    const { vocabSize } = json as { vocabSize?: unknown };
    if (vocabSize !== 256) {
      throw new TokenizerError(
        'invalid-json',
        `byte tokenizer JSON: vocabSize must be 256, got ${JSON.stringify(vocabSize)}`,
      );
    }
    return new ByteTokenizer();
  }
}
