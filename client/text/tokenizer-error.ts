/** Why a tokenizer could not be built or used; the UI and CLI show `message`. */
export type TokenizerErrorCode =
  | 'invalid-json' // a serialized tokenizer is malformed
  | 'invalid-vocab-size' // asked to train a vocab size out of range
  | 'corpus-too-small' // the text has fewer distinct pairs than merges asked for
  | 'unknown-token'; // decodeBytes got an id outside the vocab

export class TokenizerError extends Error {
  constructor(
    readonly code: TokenizerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenizerError';
  }
}
