import type { Context } from 'hono';
import type { AppEnv } from '../bindings';
import { ApiError } from '../errors';
import { MAX_COMPLETION_BODY_BYTES } from './completion-app';

/**
 * Forwards a completion request to INFERENCE_UPSTREAM (e.g. `npm run
 * serve:onnx`), same path, same body; the upstream validates it as this
 * Worker would (it runs the same completion app). Its answer, an event
 * stream included, passes through as it arrives.
 */
export async function proxyCompletion(c: Context<AppEnv>): Promise<Response> {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > MAX_COMPLETION_BODY_BYTES) {
    throw new ApiError(413, 'too_large', `The body is over ${MAX_COMPLETION_BODY_BYTES} bytes`);
  }
  const body = await c.req.text();
  if (body.length > MAX_COMPLETION_BODY_BYTES) {
    throw new ApiError(413, 'too_large', `The body is over ${MAX_COMPLETION_BODY_BYTES} bytes`);
  }
  const upstream = new URL(c.req.path, c.env.INFERENCE_UPSTREAM);
  let response: Response;
  try {
    response = await fetch(upstream, {
      method: 'POST',
      headers: {
        'content-type': c.req.header('content-type') ?? 'application/json',
        accept: c.req.header('accept') ?? '*/*',
      },
      body,
    });
  } catch (err) {
    throw new ApiError(502, 'upstream_unreachable', `The inference upstream did not answer: ${String(err)}`);
  }
  const headers = new Headers();
  for (const name of ['content-type', 'cache-control', 'retry-after']) {
    const value = response.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(response.body, { status: response.status, headers });
}
