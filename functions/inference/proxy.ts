import type { Context } from 'hono';
import type { AppEnv } from '../bindings';
import { ApiError } from '../errors';
import type { CompletionRequest } from './requests';

/**
 * Forwards a validated completion request to INFERENCE_UPSTREAM (e.g.
 * `npm run serve:onnx`), same path, same body; the upstream's answer, a
 * stream included, passes through as it arrives.
 */
export async function proxyCompletion(c: Context<AppEnv>, _request: CompletionRequest): Promise<Response> {
  const upstream = new URL(c.req.path, c.env.INFERENCE_UPSTREAM);
  let response: Response;
  try {
    response = await fetch(upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: c.req.header('accept') ?? '*/*' },
      body: await c.req.text(),
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
