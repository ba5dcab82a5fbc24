import { exports } from 'cloudflare:workers';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, handleError } from '../../functions/errors';

const fetchWorker = (path: string, init?: RequestInit) =>
  exports.default.fetch(new Request(`http://kindling.test${path}`, init));

describe('routing and the error shape', () => {
  it('answers unknown API routes with a JSON 404 in the error shape', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['POST', '/api/health/extra'],
      ['DELETE', '/api/checkpoints/../../etc/passwd'],
    ] as const) {
      const response = await fetchWorker(path, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toContain(method);
    }
  });

  it('answers a non-GET to a page path with the JSON 404, not the site', async () => {
    const response = await fetchWorker('/foo', { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'Nothing at POST /foo' } });
  });

  it('serves the built site at /', async () => {
    const response = await fetchWorker('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('<title>Kindling');
  });

  it('onError keeps an ApiError status and code, and hides other errors behind a 500', async () => {
    const app = new Hono()
      .get('/expected', () => {
        throw new ApiError(422, 'bad_config', 'n_layer must be positive');
      })
      .get('/http', () => {
        throw new HTTPException(413, { message: 'too big' });
      })
      .get('/bug', () => {
        throw new Error('secret internal detail');
      })
      .onError(handleError);
    const expected = await app.request('/expected');
    expect(expected.status).toBe(422);
    expect(await expected.json()).toEqual({ error: { code: 'bad_config', message: 'n_layer must be positive' } });
    const http = await app.request('/http');
    expect(http.status).toBe(413);
    expect(await http.json()).toEqual({ error: { code: 'http_413', message: 'too big' } });
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bug = await app.request('/bug');
    expect(bug.status).toBe(500);
    expect(log).toHaveBeenCalledWith('unhandled error', expect.any(Error));
    log.mockRestore();
    const text = await bug.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal' } });
    expect(text).not.toContain('secret internal detail');
  });
});
