import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGptCheckpoint } from '../../client/checkpoint/gpt-checkpoint';
import { cpuCompletionModel } from '../../client/model/cpu-completion-model';
import { complete } from '../../client/onnx/complete';
import { onnxServerApp } from '../../scripts/onnx-server';
import { startTestServer } from './server';

// The edge API on the real `wrangler dev` (the bundle wrangler builds, ORT's
// wasm as a module), and `npm run serve:onnx`'s app on onnxruntime-node
// reading checkpoints from it: both give the float64 CPU reference's tokens.

let server: Awaited<ReturnType<typeof startTestServer>>;
let upstream: ServerType;
let upstreamUrl = '';
let id = '';
const fileBytes = new Uint8Array(await readFile(new URL('../fixtures/tiny-names.safetensors', import.meta.url)));
const checkpoint = readGptCheckpoint(fileBytes);

const post = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

beforeAll(async () => {
  server = await startTestServer();
  const response = await fetch(`${server.url}/api/checkpoints?name=tiny-names`, {
    method: 'POST',
    body: fileBytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  id = ((await response.json()) as { id: string }).id;
  await new Promise<void>((resolve) => {
    upstream = serve({ fetch: onnxServerApp({ api: server.url }).fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(),
    );
  });
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => upstream?.close(resolve));
  await server?.cleanup();
});

describe('edge inference on wrangler dev, and serve:onnx', () => {
  it('greedy /complete: the Worker, serve:onnx and the CPU reference give the same tokens', async () => {
    const body = { checkpoint: id, prompt: '\nMa', max_tokens: 48, temperature: 0 };
    const expected = await complete(
      cpuCompletionModel(checkpoint.config, checkpoint.params),
      checkpoint.tokenizer,
      '\nMa',
      {
        maxTokens: 48,
        temperature: 0,
        topK: 40,
        seed: 1,
      },
    );
    for (const base of [server.url, upstreamUrl]) {
      const response = await post(base, '/complete', body);
      expect(response.status, base).toBe(200);
      const result = (await response.json()) as { tokens: number[]; text: string };
      expect(result.tokens, base).toEqual(expected.tokens);
      expect(result.text, base).toBe(expected.text);
    }
  });

  it('serves the same SSE stream shape and errors from serve:onnx as from the Worker', async () => {
    const body = { model: id, prompt: '\nJo', max_tokens: 8, temperature: 0, stream: true };
    const [edge, node] = await Promise.all([
      post(server.url, '/v1/completions', body),
      post(upstreamUrl, '/v1/completions', body),
    ]);
    const texts = (raw: string) =>
      raw
        .split('\n\n')
        .filter((b) => b.startsWith('data: ') && !b.includes('[DONE]'))
        .map((b) => (JSON.parse(b.slice(6)) as { choices: { text: string }[] }).choices[0]?.text)
        .join('');
    const [edgeText, nodeText] = [await edge.text(), await node.text()];
    expect(edgeText.trim().endsWith('data: [DONE]')).toBe(true);
    expect(texts(nodeText)).toBe(texts(edgeText));
    for (const base of [server.url, upstreamUrl]) {
      const missing = await post(base, '/complete', { checkpoint: 'A'.repeat(22), prompt: 'x' });
      expect(missing.status, base).toBe(404);
      const bad = await post(base, '/complete', { checkpoint: id, prompt: 'x', max_tokens: 10_000 });
      expect(bad.status, base).toBe(422);
    }
  });
});
