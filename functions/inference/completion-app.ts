import { type Context, type Env, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type Completion, collectCompletion } from '../../client/onnx/complete';
import { errorBody, handleError } from '../errors';
import { jsonBody } from '../validate';
import { completeRequest, fromComplete, fromOpenAi, MAX_PROMPT_BYTES, openAiCompletionRequest } from './requests';
import { type LoadedModel, startCompletion } from './run-completion';

/** Request bodies stay small: a prompt and a few numbers. */
export const MAX_COMPLETION_BODY_BYTES = MAX_PROMPT_BYTES * 8;

/** Finds a checkpoint's model by id, or throws ApiError 404. */
export type ModelLoader<E extends Env> = (c: Context<E>, checkpointId: string) => Promise<LoadedModel>;

/**
 * POST /complete (Kindling's shape) and POST /v1/completions (OpenAI's) over
 * whatever loads the models: the Worker (D1 + R2 + onnxruntime-web) and
 * `npm run serve:onnx` (onnxruntime-node) mount this same app, so both speak
 * exactly the same API, errors and event streams included.
 */
export function completionApp<E extends Env>(load: ModelLoader<E>) {
  return new Hono<E>()
    .post('/complete', async (c) => {
      const request = fromComplete(await jsonBody(c, completeRequest, MAX_COMPLETION_BODY_BYTES));
      const { pieces } = startCompletion(await load(c, request.checkpoint), request);
      const result = (done: Completion) => ({
        checkpoint: request.checkpoint,
        text: done.text,
        tokens: done.tokens,
        finish: done.stop === 'newline' ? 'newline' : 'length',
      });
      if (!request.stream) return c.json(result(await collectCompletion(pieces, request.options)));
      return sse(c, async (send) => {
        const done = await collectCompletion(pieces, request.options, (p) =>
          send('token', { text: p.text, token: p.token }),
        );
        await send('done', result(done));
      });
    })
    .post('/v1/completions', async (c) => {
      const request = fromOpenAi(await jsonBody(c, openAiCompletionRequest, MAX_COMPLETION_BODY_BYTES));
      const { pieces, promptTokens } = startCompletion(await load(c, request.checkpoint), request);
      const id = `cmpl-${crypto.randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
      const chunk = (text: string, finish: string | null) => ({
        id,
        object: 'text_completion',
        created,
        model: request.checkpoint,
        choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
      });
      const finishReason = (done: Completion) => (done.stop === 'newline' ? 'stop' : 'length');
      if (!request.stream) {
        const done = await collectCompletion(pieces, request.options);
        const usage = {
          prompt_tokens: promptTokens,
          completion_tokens: done.tokens.length,
          total_tokens: promptTokens + done.tokens.length,
        };
        return c.json({ ...chunk(done.text, finishReason(done)), usage });
      }
      return sse(c, async (send) => {
        const done = await collectCompletion(pieces, request.options, (p) => send(null, chunk(p.text, null)));
        await send(null, chunk('', finishReason(done)));
        await send(null, '[DONE]');
      });
    })
    .onError(handleError);
}

type Send = (event: string | null, data: unknown) => Promise<void>;

/** Server-Sent Events; a failure after the headers went out becomes an `error` event, not a broken stream. */
function sse<E extends Env>(c: Context<E>, body: (send: Send) => Promise<void>): Response {
  return streamSSE(c, async (stream) => {
    const send: Send = (event, data) =>
      stream.writeSSE({ ...(event ? { event } : {}), data: typeof data === 'string' ? data : JSON.stringify(data) });
    try {
      await body(send);
    } catch (err) {
      console.error('completion stream failed', err);
      await send('error', errorBody('internal', 'Generation failed; the server log has details'));
    }
  });
}
