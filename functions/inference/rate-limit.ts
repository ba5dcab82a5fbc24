import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../bindings';
import { ApiError } from '../errors';

/** Seconds a client waits after a refusal: the limiter's period (wrangler.toml [[ratelimits]]). */
export const RETRY_AFTER_S = 60;

/**
 * Per-client limit on inference, by Cloudflare's Rate Limiting binding
 * (COMPLETE_LIMITER), keyed by the client's address. Over it: 429 with
 * Retry-After. Without the binding (another host), no limit applies.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method !== 'POST' || !c.env.COMPLETE_LIMITER) return next();
  const key = c.req.header('cf-connecting-ip') ?? 'local';
  const { success } = await c.env.COMPLETE_LIMITER.limit({ key });
  if (!success) {
    c.header('retry-after', String(RETRY_AFTER_S));
    throw new ApiError(429, 'rate_limited', `Too many completions from ${key}; try again in ${RETRY_AFTER_S} s`);
  }
  return next();
});
