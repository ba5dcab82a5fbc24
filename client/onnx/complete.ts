import { sampleTokensCpu } from '../../shaders/sample.reference';
import { Mulberry32 } from '../data/mulberry32';
import type { SampleOptions } from '../model/sample-options';
import type { Tokenizer } from '../text/tokenizer';
import { Utf8StreamDecoder } from '../text/utf8';

/**
 * Text completion over any forward pass that returns the last position's
 * logits: an onnxruntime session (web in the Worker, node in Node), the CPU
 * reference, or a mock. Token choice is GptSampler's (client/model/generate.ts)
 * step for step, so a checkpoint gives the same tokens here as on the GPU:
 *
 *   - the forward sees the last contextLength tokens of prompt + generated;
 *   - one Mulberry32(seed) coin per generated token, drawn even when greedy,
 *     stored as an f32;
 *   - the token is sample_token.wgsl's procedure, through its CPU reference
 *     sampleTokensCpu (temperature 0 is argmax, topK 0 keeps every token);
 *   - text comes out through Utf8StreamDecoder, never as invalid UTF-8, and
 *     stopAtNewline cuts after the first generated newline.
 *
 * Runtime-agnostic: no Node API, no GPU, no onnxruntime import.
 */

/** Logits (V) of the last position after the forward over `ids` (1 <= ids.length <= contextLength). */
export type LastLogits = (ids: number[]) => Promise<Float32Array>;

/** What completion needs of a model; a GptConfig spread with `lastLogits` is one. */
export interface CompletionModel {
  vocabSize: number;
  contextLength: number;
  lastLogits: LastLogits;
}

/** Sampling options: the GPU sampler's own (sample-options.ts), with the same checks. */
export type CompletionOptions = SampleOptions;

/** One generated token and the text it completes ('' while a character is split across tokens). */
export interface CompletionPiece {
  token: number;
  text: string;
}

export interface Completion {
  tokens: number[];
  text: string;
  /** 'newline': stopAtNewline cut the text; 'maxTokens': all maxTokens were generated. */
  stop: 'maxTokens' | 'newline';
}

/** Generated token ids after `prompt` (ids), one at a time: GptSampler.tokens without a GPU. */
export async function* completionTokens(
  model: CompletionModel,
  prompt: ArrayLike<number>,
  options: CompletionOptions,
): AsyncGenerator<number> {
  checkOptions(options);
  const { vocabSize: V, contextLength: T } = model;
  if (prompt.length === 0) throw new RangeError('the prompt is empty: give at least one character');
  const context = Array.from(prompt);
  const bad = context.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
  if (bad !== undefined) throw new RangeError(`prompt token ${bad} is outside the vocabulary (${V})`);
  const rng = new Mulberry32(options.seed);
  const coin = new Float32Array(1);
  const token = new Uint32Array(1);
  for (let i = 0; i < options.maxTokens; i++) {
    const logits = await model.lastLogits(context.slice(-T));
    if (logits.length !== V) throw new RangeError(`lastLogits returned ${logits.length} logits, expected V = ${V}`);
    coin[0] = rng.next();
    sampleTokensCpu(token, logits, coin, 1, 0, V, V, options.temperature, options.topK);
    const id = token[0] as number;
    context.push(id);
    yield id;
  }
}

/**
 * Each generated token with the text it completes; the last token's piece
 * also flushes what the decoder held back (U+FFFD for an unfinished
 * character). With stopAtNewline the piece holding the first newline is cut
 * right after it and ends the stream, as GptSampler.generate does.
 */
export async function* completionPieces(
  model: CompletionModel,
  tokenizer: Tokenizer,
  prompt: string,
  options: CompletionOptions,
): AsyncGenerator<CompletionPiece> {
  if (tokenizer.vocabSize !== model.vocabSize) {
    throw new RangeError(
      `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary is ${model.vocabSize}`,
    );
  }
  const decoder = new Utf8StreamDecoder();
  let count = 0;
  for await (const id of completionTokens(model, tokenizer.encode(prompt), options)) {
    count++;
    let text = decoder.push(tokenizer.decodeBytes([id]));
    const newline = options.stopAtNewline ? text.indexOf('\n') : -1;
    if (newline >= 0) {
      yield { token: id, text: text.slice(0, newline + 1) };
      return;
    }
    if (count === options.maxTokens) text += decoder.end();
    yield { token: id, text };
  }
}

/** The whole completion; `onText` receives each non-empty piece of text as it is ready. */
export async function complete(
  model: CompletionModel,
  tokenizer: Tokenizer,
  prompt: string,
  options: CompletionOptions,
  onText?: (text: string) => void,
): Promise<Completion> {
  const onPiece = onText && ((piece: CompletionPiece) => (piece.text ? onText(piece.text) : undefined));
  return collectCompletion(completionPieces(model, tokenizer, prompt, options), options, onPiece);
}

/** Drains `pieces` into the whole completion, handing each piece (token and text) to `onPiece` first. */
export async function collectCompletion(
  pieces: AsyncIterable<CompletionPiece>,
  options: Pick<CompletionOptions, 'stopAtNewline'>,
  onPiece?: (piece: CompletionPiece) => void | Promise<void>,
): Promise<Completion> {
  const tokens: number[] = [];
  let text = '';
  for await (const piece of pieces) {
    tokens.push(piece.token);
    text += piece.text;
    await onPiece?.(piece);
  }
  const stop = options.stopAtNewline && text.endsWith('\n') ? 'newline' : 'maxTokens';
  return { tokens, text, stop };
}

function checkOptions(o: CompletionOptions): void {
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 0) throw new RangeError('maxTokens must be an integer >= 0');
  if (!(o.temperature >= 0) || !Number.isFinite(o.temperature)) throw new RangeError('temperature must be >= 0');
  if (!Number.isInteger(o.topK) || o.topK < 0) throw new RangeError('topK must be an integer >= 0');
  if (!Number.isInteger(o.seed)) throw new RangeError('seed must be an integer');
}
