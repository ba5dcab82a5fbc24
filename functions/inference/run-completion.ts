import type { GptConfig } from '../../client/model/gpt-config';
import { type CompletionModel, type CompletionPiece, completionPieces } from '../../client/onnx/complete';
import type { Tokenizer } from '../../client/text/tokenizer';
import { ApiError } from '../errors';
import type { CompletionRequest } from './requests';

/** A checkpoint ready to complete text: wherever its ONNX session runs (Worker or Node). */
export interface LoadedModel {
  config: GptConfig;
  tokenizer: Tokenizer;
  model: CompletionModel;
}

/** The request's generated pieces of text, as they are made (checked against the model first). */
export function startCompletion(
  loaded: LoadedModel,
  request: CompletionRequest,
): { pieces: AsyncGenerator<CompletionPiece>; promptTokens: number } {
  if (request.options.topK > loaded.config.vocabSize) {
    throw new ApiError(422, 'invalid', `body.top_k: at most the vocabulary size (${loaded.config.vocabSize})`);
  }
  return {
    pieces: completionPieces(loaded.model, loaded.tokenizer, request.prompt, request.options),
    promptTokens: loaded.tokenizer.encode(request.prompt).length,
  };
}
