import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createRun, getRun } from '../../functions/storage/runs';

const newRun = {
  model: 'gpt',
  preset: 'tiny',
  dataset: 'names',
  config: JSON.stringify({ n_layer: 2, n_embd: 32 }),
  adapter: JSON.stringify({ vendor: 'google', architecture: 'swiftshader' }),
};

describe('D1: runs', () => {
  it('inserts a run and selects it back by id', async () => {
    const before = Date.now();
    const created = await createRun(env, newRun);
    expect(created).toMatchObject(newRun);
    expect(created.createdAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(await getRun(env, created.id)).toEqual(created);
  });

  it('gives each run a distinct 128-bit URL-safe id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await createRun(env, newRun)).id);
    expect(ids.size).toBe(20);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('returns undefined for an unknown id, including hostile ones', async () => {
    for (const id of ['missing', "' OR 1=1 --", '../../etc/passwd']) {
      expect(await getRun(env, id)).toBeUndefined();
    }
  });
});

describe('R2: checkpoints bucket', () => {
  it('stores bytes and reads the same bytes back, with metadata', async () => {
    const bytes = new Uint8Array(1 << 16).map((_, i) => (i * 31) % 256);
    await env.CHECKPOINTS.put('probe/bytes.bin', bytes, { httpMetadata: { contentType: 'application/octet-stream' } });
    const object = await env.CHECKPOINTS.get('probe/bytes.bin');
    expect(object).not.toBeNull();
    expect(object?.size).toBe(bytes.length);
    expect(object?.httpMetadata?.contentType).toBe('application/octet-stream');
    expect(new Uint8Array((await object?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(bytes);
    expect(await env.CHECKPOINTS.get('probe/missing.bin')).toBeNull();
  });
});
