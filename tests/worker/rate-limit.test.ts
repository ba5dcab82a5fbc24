import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

// wrangler.toml's [[ratelimits]] COMPLETE_LIMITER: 60 completions a minute per client.
// Its own file, so no other test spends this client's budget.

const complete = (ip: string) =>
  exports.default.fetch(
    new Request('http://kindling.test/complete', {
      method: 'POST',
      body: JSON.stringify({ checkpoint: 'A'.repeat(22), prompt: 'x' }),
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
    }),
  );

describe('rate limit on /complete', () => {
  it('answers 429 with Retry-After past 60 requests a minute, per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await complete('203.0.113.7')).status);
    expect(statuses.slice(0, 60).every((s) => s === 404)).toBe(true);
    const limited = await complete('203.0.113.7');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // Another client is not affected.
    expect((await complete('198.51.100.1')).status).toBe(404);
  });
});
