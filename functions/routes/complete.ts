import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../bindings';
import { errorBody } from '../errors';
import { proxyCompletion } from '../inference/proxy';
import { rateLimit } from '../inference/rate-limit';
import {
  type CompletionRequest,
  completeRequest,
  fromComplete,
  fromOpenAi,
  MAX_PROMPT_BYTES,
  openAiCompletionRequest,
} from '../inference/requests';
import { collect, startCompletion } from '../inference/run-completion';
import { jsonBody } from '../validate';

/** Request bodies stay small: a prompt and a few numbers. */
const MAX_BODY_BYTES = MAX_PROMPT_BYTES * 8;

/**
 * POST /complete (Kindling's shape) and POST /v1/completions (OpenAI's), both
 * answered by the checkpoint's ONNX export in this isolate, or forwarded to
 * INFERENCE_UPSTREAM when that is set. Rate limited per client.
 */
export const completions = new Hono<AppEnv>()
  .post('/complete', rateLimit, async (c) => {
    const request = fromComplete(await jsonBody(c, completeRequest, MAX_BODY_BYTES));
    if (c.env.INFERENCE_UPSTREAM) return proxyCompletion(c, request);
    const { pieces } = await startCompletion(c.env, request);
    if (!request.stream) {
      const done = await collect(pieces, request.options.stopAtNewline ?? false);
      return c.json({ checkpoint: request.checkpoint, text: done.text, tokens: done.tokens, finish: done.finish });
    }
    return sse(c, async (send) => {
      const done = await collect(pieces, request.options.stopAtNewline ?? false, (p) =>
        send('token', { text: p.text, token: p.token }),
      );
      await send('done', { checkpoint: request.checkpoint, text: done.text, tokens: done.tokens, finish: done.finish });
    });
  })
  .post('/v1/completions', rateLimit, async (c) => {
    const request = fromOpenAi(await jsonBody(c, openAiCompletionRequest, MAX_BODY_BYTES));
    if (c.env.INFERENCE_UPSTREAM) return proxyCompletion(c, request);
    const { pieces, promptTokens } = await startCompletion(c.env, request);
    const id = `cmpl-${crypto.randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (text: string, finish: string | null) => ({
      id,
      object: 'text_completion',
      created,
      model: request.checkpoint,
      choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
    });
    const finishReason = (f: 'newline' | 'length') => (f === 'newline' ? 'stop' : 'length');
    if (!request.stream) {
      const done = await collect(pieces, request.options.stopAtNewline ?? false);
      return c.json({
        ...chunk(done.text, finishReason(done.finish)),
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: done.tokens.length,
          total_tokens: promptTokens + done.tokens.length,
        },
      });
    }
    return sse(c, async (send) => {
      const done = await collect(pieces, request.options.stopAtNewline ?? false, (p) =>
        send(null, chunk(p.text, null)),
      );
      await send(null, chunk('', finishReason(done.finish)));
      await send(null, '[DONE]');
    });
  });

type Send = (event: string | null, data: unknown) => Promise<void>;

/** Server-Sent Events; a failure after the headers went out becomes an `error` event, not a broken stream. */
function sse(c: Context<AppEnv>, body: (send: Send) => Promise<void>): Response {
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

export type { CompletionRequest };
