/**
 * A text corpus made ready for training: bytes -> checked UTF-8 -> tokens ->
 * train/val split, plus a SHA-256 of the bytes that checkpoints carry (so a
 * resume or a fine-tune can tell which data a model saw).
 *
 * Split (as nanoGPT): the first 90% of the tokens train, the last 10% are
 * validation; no shuffling, so the split depends only on the bytes and the
 * tokenizer.
 */
import type { Tokenizer } from '../text/tokenizer';
import { decodeUtf8Strict, InvalidUtf8Error } from '../text/utf8';
import { sha256Hex } from './sha256';

export { sha256Hex };

export const TRAIN_FRACTION = 0.9;

export type CorpusErrorCode =
  | 'not-utf8' // the bytes are not UTF-8 text
  | 'empty' // no text at all
  | 'too-short' // not enough tokens for one window of context length + 1 in train or val
  | 'invalid-context-length';

/** Why a corpus cannot be used; the UI and CLI show `message` as is. */
export class CorpusError extends Error {
  constructor(
    readonly code: CorpusErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CorpusError';
  }
}

export interface PreparedCorpus {
  /** tokens [0, floor(0.9 n)) */
  train: Uint32Array;
  /** tokens [floor(0.9 n), n) */
  val: Uint32Array;
  /** SHA-256 of the bytes, lowercase hex */
  hash: string;
  /** size of the input in bytes */
  bytes: number;
}

/** How many tokens go to training out of `n` (the rest are validation). */
export function trainTokenCount(n: number): number {
  return Math.floor(n * TRAIN_FRACTION);
}

export async function prepareCorpus(
  bytes: Uint8Array,
  tokenizer: Tokenizer,
  contextLength: number,
): Promise<PreparedCorpus> {
  if (!(Number.isInteger(contextLength) && contextLength > 0)) {
    throw new CorpusError('invalid-context-length', `context length must be a positive integer, got ${contextLength}`);
  }
  const tokens = tokenizer.encode(corpusText(bytes));
  checkLongEnough(tokens.length, contextLength);
  const nTrain = trainTokenCount(tokens.length);
  return {
    train: tokens.slice(0, nTrain),
    val: tokens.slice(nTrain),
    hash: await sha256Hex(bytes),
    bytes: bytes.length,
  };
}

/**
 * The text to learn from `bytes`: strict UTF-8 without a leading byte-order
 * mark, or a CorpusError ('not-utf8', 'empty'). A tokenizer trained on the
 * text (BPE) sees exactly what prepareCorpus then encodes.
 */
export function corpusText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = decodeUtf8Strict(bytes);
  } catch (error) {
    if (!(error instanceof InvalidUtf8Error)) throw error;
    throw new CorpusError(
      'not-utf8',
      `this file is not UTF-8 text: invalid bytes at byte offset ${error.offset}. Save it as UTF-8 and try again.`,
    );
  }
  // A byte-order mark is an encoding marker, not text to learn.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.length === 0) throw new CorpusError('empty', 'this text is empty: there is nothing to train on');
  return text;
}

/** Both parts need one window of contextLength + 1 tokens (inputs and their next tokens). */
function checkLongEnough(n: number, contextLength: number): void {
  const needed = contextLength + 1;
  const nTrain = trainTokenCount(n);
  const nVal = n - nTrain;
  if (nTrain >= needed && nVal >= needed) return;
  let minTotal = needed;
  while (trainTokenCount(minTotal) < needed || minTotal - trainTokenCount(minTotal) < needed) minTotal++;
  const part = nTrain < needed ? `training part has ${nTrain}` : `validation part (last 10%) has ${nVal}`;
  throw new CorpusError(
    'too-short',
    `this text is too short for context length ${contextLength}: the ${part} tokens and needs at least ${needed}. ` +
      `The whole text is ${n} tokens; at least ${minTotal} are needed.`,
  );
}
