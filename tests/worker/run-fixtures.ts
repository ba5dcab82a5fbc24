import { exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import type { MetricPoint } from '../../functions/storage/metrics';

/** Shared by runs.test.ts and leaderboard.test.ts: the Worker's own fetch and small API calls. */
export const fetchWorker = (path: string, init?: RequestInit) =>
  exports.default.fetch(new Request(`http://kindling.test${path}`, init));

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetchWorker(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const validRun = {
  model: 'gpt',
  preset: 'tiny',
  dataset: 'names',
  config: { n_layer: 2, n_embd: 32, lr: 0.001 },
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader' },
};

/** A run registered through the API: its id and write token. */
export type RunBody = Omit<typeof validRun, 'adapter'> & { adapter: Record<string, unknown> };

export async function newRun(overrides: Partial<RunBody> = {}): Promise<{ id: string; writeToken: string }> {
  const response = await postJson('/api/runs', { ...validRun, ...overrides });
  if (response.status !== 201) throw new Error(`POST /api/runs: ${response.status} ${await response.text()}`);
  return response.json();
}

export function postMetrics(run: { id: string; writeToken: string }, seq: number, points: Partial<MetricPoint>[]) {
  return postJson(`/api/runs/${run.id}/metrics`, { seq, points }, { authorization: `Bearer ${run.writeToken}` });
}

/** Error responses all have one shape: returns the code after checking it. */
export async function errorCode(response: Response): Promise<string> {
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  return body.error.code;
}
