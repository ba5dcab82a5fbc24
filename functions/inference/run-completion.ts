import { type CompletionPiece, completionPieces } from '../../client/onnx/complete';
import type { Bindings } from '../bindings';
import { ApiError } from '../errors';
import { getCheckpoint } from '../storage/checkpoints';
import { type LoadedModel, loadModel } from './models';
import type { CompletionRequest } from './requests';

/** The checkpoint's model and its pieces of generated text, as they are made. */
export async function startCompletion(
  env: Pick<Bindings, 'DB' | 'CHECKPOINTS'>,
  request: CompletionRequest,
): Promise<{ loaded: LoadedModel; pieces: AsyncGenerator<CompletionPiece>; promptTokens: number }> {
  const row = await getCheckpoint(env, request.checkpoint);
  if (!row) throw new ApiError(404, 'not_found', `No checkpoint ${request.checkpoint}`);
  const loaded = await loadModel(env, row);
  if (request.options.topK > loaded.config.vocabSize) {
    throw new ApiError(422, 'invalid', `body.top_k: at most the vocabulary size (${loaded.config.vocabSize})`);
  }
  const promptTokens = loaded.tokenizer.encode(request.prompt).length;
  return {
    loaded,
    pieces: completionPieces(loaded.model, loaded.tokenizer, request.prompt, request.options),
    promptTokens,
  };
}

export interface FinishedCompletion {
  text: string;
  tokens: number[];
  /** 'newline' when stopped at a newline, 'length' when max_tokens were generated. */
  finish: 'newline' | 'length';
}

/** Drains `pieces`, handing each non-empty text to `onPiece`. */
export async function collect(
  pieces: AsyncGenerator<CompletionPiece>,
  stopAtNewline: boolean,
  onPiece?: (piece: CompletionPiece) => Promise<void>,
): Promise<FinishedCompletion> {
  const tokens: number[] = [];
  let text = '';
  for await (const piece of pieces) {
    tokens.push(piece.token);
    text += piece.text;
    if (onPiece) await onPiece(piece);
  }
  return { text, tokens, finish: stopAtNewline && text.endsWith('\n') ? 'newline' : 'length' };
}
