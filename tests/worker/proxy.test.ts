import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import app from '../../functions/index';

// INFERENCE_UPSTREAM set: /complete and /v1/completions go to a stub upstream
// (global fetch replaced), streams pass through as they arrive.

const UPSTREAM = 'http://upstream.test:8788';

async function call(path: string, body: string, upstream: string | undefined = UPSTREAM): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`http://kindling.test${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  const response = await app.fetch(request, { ...env, INFERENCE_UPSTREAM: upstream }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

afterEach(() => vi.restoreAllMocks());

describe('proxy mode (INFERENCE_UPSTREAM)', () => {
  it('forwards /complete with its body to the upstream and returns its answer', async () => {
    const seen: { url: string; body: string }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      seen.push({ url: String(input), body: String(init?.body) });
      return Response.json({ checkpoint: 'x', text: 'from upstream', tokens: [1, 2], finish: 'length' });
    });
    const body = JSON.stringify({ checkpoint: 'A'.repeat(22), prompt: 'hi', max_tokens: 2 });
    const response = await call('/complete', body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ text: 'from upstream', tokens: [1, 2] });
    expect(seen).toEqual([{ url: `${UPSTREAM}/complete`, body }]);
  });

  it('passes an event stream through chunk by chunk, for /v1/completions too', async () => {
    const encoder = new TextEncoder();
    let pull = 0;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => {
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          pull++;
          if (pull === 1) controller.enqueue(encoder.encode('data: {"choices":[{"text":"a"}]}\n\n'));
          else if (pull === 2) controller.enqueue(encoder.encode('data: [DONE]\n\n'));
          else controller.close();
        },
      });
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
    });
    const response = await call(
      '/v1/completions',
      JSON.stringify({ model: 'A'.repeat(22), prompt: 'hi', stream: true }),
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: {"choices":[{"text":"a"}]}\n\n');
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('data: [DONE]\n\n');
  });

  it('keeps the upstream status and error body, and answers 502 when it is down', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValueOnce(
      Response.json({ error: { code: 'not_found', message: 'No checkpoint' } }, { status: 404 }),
    );
    const missing = await call('/complete', JSON.stringify({ checkpoint: 'A'.repeat(22), prompt: 'x' }));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'No checkpoint' } });

    vi.spyOn(globalThis, 'fetch').mockRejectedValueOnce(new TypeError('connection refused'));
    const down = await call('/complete', JSON.stringify({ checkpoint: 'A'.repeat(22), prompt: 'x' }));
    expect(down.status).toBe(502);
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe('upstream_unreachable');
  });

  it('refuses an oversize body before forwarding it', async () => {
    const spy = vi.spyOn(globalThis, 'fetch');
    const response = await call(
      '/complete',
      JSON.stringify({ checkpoint: 'A'.repeat(22), prompt: 'x'.repeat(40_000) }),
    );
    expect(response.status).toBe(413);
    expect(spy).not.toHaveBeenCalled();
  });
});
