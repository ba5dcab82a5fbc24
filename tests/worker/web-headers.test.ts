import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const fetchWorker = (path: string, init?: RequestInit) =>
  exports.default.fetch(new Request(`http://kindling.test${path}`, init));
const preflight = (path: string, method: string) =>
  fetchWorker(path, {
    method: 'OPTIONS',
    headers: {
      origin: 'https://elsewhere.example',
      'access-control-request-method': method,
      'access-control-request-headers': 'content-type',
    },
  });

describe('CORS: reads and inference are public, writes are not', () => {
  it('lets any origin read checkpoints, runs and the leaderboard', async () => {
    for (const path of ['/api/checkpoints', '/api/leaderboard', `/api/checkpoints/${'A'.repeat(22)}`]) {
      const response = await fetchWorker(path, { headers: { origin: 'https://elsewhere.example' } });
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
    }
    expect((await preflight('/api/checkpoints', 'GET')).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('lets any origin call /complete and /v1/completions', async () => {
    for (const path of ['/complete', '/v1/completions']) {
      const response = await preflight(path, 'POST');
      expect(response.status, path).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    }
  });

  it('gives writes no CORS headers, so a browser on another origin cannot make them', async () => {
    for (const [path, method] of [
      ['/api/checkpoints', 'POST'],
      [`/api/checkpoints/${'A'.repeat(22)}`, 'DELETE'],
      ['/api/runs', 'POST'],
      [`/api/runs/${'A'.repeat(22)}/metrics`, 'POST'],
    ] as const) {
      const response = await preflight(path, method);
      expect(response.headers.get('access-control-allow-origin'), `${method} ${path}`).toBeNull();
    }
  });
});

describe('security headers', () => {
  it('serves pages with a CSP that allows only this origin, and the usual hardening headers', async () => {
    const response = await fetchWorker('/');
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });
});
