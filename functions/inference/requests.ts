import { z } from 'zod';
import { DEFAULT_SAMPLE_OPTIONS } from '../../client/model/sample-options';
import type { CompletionOptions } from '../../client/onnx/complete';
import { ApiError } from '../errors';
import { ID_PATTERN } from '../storage/ids';

/**
 * The two request shapes the edge accepts, reduced to one: Kindling's
 * /complete and OpenAI's /v1/completions (model = checkpoint id). Defaults
 * are the sampler's (generate.ts), so every surface samples alike.
 */

/** Longest prompt, in UTF-8 bytes (the model sees at most its context anyway). */
export const MAX_PROMPT_BYTES = 4096;
/** Most tokens one request may generate. */
export const MAX_NEW_TOKENS = 256;

const checkpointId = z.string().regex(ID_PATTERN, 'must be a checkpoint id');
const sampling = {
  max_tokens: z.number().int().min(1).max(MAX_NEW_TOKENS).default(DEFAULT_SAMPLE_OPTIONS.maxTokens),
  temperature: z.number().min(0).max(5).default(DEFAULT_SAMPLE_OPTIONS.temperature),
  top_k: z.number().int().min(0).max(65536).default(DEFAULT_SAMPLE_OPTIONS.topK),
  seed: z.number().int().min(0).max(0xffffffff).default(DEFAULT_SAMPLE_OPTIONS.seed),
  stream: z.boolean().default(false),
};

export const completeRequest = z.object({
  checkpoint: checkpointId,
  prompt: z.string().min(1, 'must not be empty'),
  stop_at_newline: z.boolean().default(false),
  ...sampling,
});

export const openAiCompletionRequest = z.object({
  model: checkpointId,
  prompt: z.union([z.string().min(1, 'must not be empty'), z.array(z.string().min(1)).length(1)]),
  /** Only a newline stop is supported: that is what these models are trained to end lines with. */
  stop: z.union([z.literal('\n'), z.array(z.literal('\n')).max(1), z.null()]).optional(),
  n: z.literal(1).optional(),
  ...sampling,
});

export interface CompletionRequest {
  checkpoint: string;
  prompt: string;
  options: CompletionOptions;
  stream: boolean;
}

export function fromComplete(body: z.infer<typeof completeRequest>): CompletionRequest {
  return normalised(body.checkpoint, body.prompt, body, body.stop_at_newline);
}

export function fromOpenAi(body: z.infer<typeof openAiCompletionRequest>): CompletionRequest {
  const prompt = typeof body.prompt === 'string' ? body.prompt : (body.prompt[0] as string);
  const stop = body.stop === '\n' || (Array.isArray(body.stop) && body.stop.length === 1);
  return normalised(body.model, prompt, body, stop);
}

function normalised(
  checkpoint: string,
  prompt: string,
  s: { max_tokens: number; temperature: number; top_k: number; seed: number; stream: boolean },
  stopAtNewline: boolean,
): CompletionRequest {
  const bytes = new TextEncoder().encode(prompt).length;
  if (bytes > MAX_PROMPT_BYTES) {
    throw new ApiError(413, 'prompt_too_large', `The prompt is ${bytes} bytes; the limit is ${MAX_PROMPT_BYTES}`);
  }
  return {
    checkpoint,
    prompt,
    options: { maxTokens: s.max_tokens, temperature: s.temperature, topK: s.top_k, seed: s.seed, stopAtNewline },
    stream: s.stream,
  };
}
