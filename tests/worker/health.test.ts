import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json';

const fetchWorker = (path: string, init?: RequestInit) =>
  exports.default.fetch(new Request(`http://kindling.test${path}`, init));

describe('GET /api/health', () => {
  it('reports D1 and R2 working, with the package version', async () => {
    const response = await fetchWorker('/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: packageJson.version, d1: true, r2: true });
  });

  it('checks D1 for real: without the runs table it answers 503 with the reason', async () => {
    await env.DB.exec('DROP TABLE runs');
    const response = await fetchWorker('/api/health');
    expect(response.status).toBe(503);
    const body = (await response.json()) as { ok: boolean; d1: boolean; r2: boolean; errors: string[] };
    expect(body).toMatchObject({ ok: false, d1: false, r2: true });
    expect(body.errors.join(' ')).toMatch(/no such table: runs/);
  });
});
