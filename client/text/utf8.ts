/**
 * UTF-8 at the edges of the model: a strict check for text coming in (a
 * corpus, a prompt) and a streaming decoder for bytes coming out (generated
 * tokens). Both wrap the platform's TextDecoder; nothing here re-implements
 * UTF-8.
 *
 * `ignoreBOM: true` everywhere: a leading U+FEFF stays in the text, so byte
 * offsets and characters stay in step; callers that want it gone drop it.
 */

/** Bytes that are not valid UTF-8; `offset` is the first byte of the first bad sequence. */
export class InvalidUtf8Error extends Error {
  constructor(readonly offset: number) {
    super(`not valid UTF-8: the first invalid byte sequence starts at byte offset ${offset}`);
    this.name = 'InvalidUtf8Error';
  }
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();
const REPLACEMENT = '\uFFFD';

/** The text in `bytes`, or an InvalidUtf8Error naming where it stops being UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new InvalidUtf8Error(firstInvalidUtf8Offset(bytes));
  }
}

/**
 * Byte offset of the first invalid UTF-8 sequence in `bytes`, or -1 if all valid.
 *
 * Found without a UTF-8 parser of our own: the lenient decoder turns each bad
 * sequence into U+FFFD, and everything before the first such U+FFFD is valid
 * text, so re-encoding that prefix gives its exact byte length. A U+FFFD that
 * was really in the input (bytes EF BF BD) is skipped.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const text = lenientDecoder.decode(bytes);
  let charIndex = 0; // position in `text` already accounted for
  let byteOffset = 0; // bytes of `text[0, charIndex)`
  for (;;) {
    const found = text.indexOf(REPLACEMENT, charIndex);
    if (found < 0) return -1;
    byteOffset += encoder.encode(text.slice(charIndex, found)).length;
    if (bytes[byteOffset] === 0xef && bytes[byteOffset + 1] === 0xbf && bytes[byteOffset + 2] === 0xbd) {
      charIndex = found + 1;
      byteOffset += 3;
      continue;
    }
    return byteOffset;
  }
}

/**
 * Turns a stream of byte chunks (one generated token's bytes at a time) into
 * text. A character split across tokens is held back until its last byte
 * arrives; an invalid sequence becomes a visible U+FFFD; `end()` flushes what
 * is left (an unfinished character becomes U+FFFD).
 */
export class Utf8StreamDecoder {
  private decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  /** Text completed by `bytes`; may be '' while a character is incomplete. */
  push(bytes: Uint8Array): string {
    return this.decoder.decode(bytes, { stream: true });
  }

  /** Whatever was held back, with U+FFFD for an unfinished character; the decoder can then be reused. */
  end(): string {
    return this.decoder.decode();
  }
}
