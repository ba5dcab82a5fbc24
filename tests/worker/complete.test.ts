import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { readGptCheckpoint } from '../../client/checkpoint/gpt-checkpoint';
import { cpuCompletionModel } from '../../client/model/cpu-completion-model';
import { type CompletionOptions, complete } from '../../client/onnx/complete';

// /complete and /v1/completions inside workerd: onnxruntime-web's wasm runs
// the ONNX export of a checkpoint trained by `npm run train` (tests/fixtures),
// and its tokens are checked against the float64 CPU reference model, whose
// greedy tokens the GPU tests hold the WGSL engine to (tests/gpu/generate.test.ts,
// tests/gpu/onnx-parity.test.ts).

const fetchWorker = (path: string, init?: RequestInit) =>
  exports.default.fetch(new Request(`http://kindling.test${path}`, init));
const postJson = (path: string, body: unknown) =>
  fetchWorker(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

const fileBytes = Uint8Array.from(atob(env.TEST_TINY_NAMES_B64), (c) => c.charCodeAt(0));
const checkpoint = readGptCheckpoint(fileBytes);
let id = '';

const expected = (prompt: string, options: CompletionOptions) =>
  complete(cpuCompletionModel(checkpoint.config, checkpoint.params), checkpoint.tokenizer, prompt, options);

beforeAll(async () => {
  const response = await fetchWorker('/api/checkpoints?name=tiny-names', {
    method: 'POST',
    body: fileBytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(response.status).toBe(201);
  id = ((await response.json()) as { id: string }).id;
});

interface CompleteBody {
  text: string;
  tokens: number[];
  finish: string;
}

/** Parses an SSE body into its events. */
async function events(response: Response): Promise<{ event: string; data: string }[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data };
    });
}

describe('POST /complete', () => {
  it('greedy: the same tokens as the float64 CPU reference model', async () => {
    const response = await postJson('/complete', { checkpoint: id, prompt: '\nMa', max_tokens: 32, temperature: 0 });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as CompleteBody;
    const reference = await expected('\nMa', { maxTokens: 32, temperature: 0, topK: 40, seed: 1 });
    expect(body.tokens).toEqual(reference.tokens);
    expect(body.text).toBe(reference.text);
    expect(body.tokens).toHaveLength(32);
    expect(body.finish).toBe('length');
  });

  it('seeded sampling with temperature and top-k: the reference tokens too, and another seed differs', async () => {
    const options = { maxTokens: 40, temperature: 0.9, topK: 20, seed: 7 };
    const response = await postJson('/complete', {
      checkpoint: id,
      prompt: 'A',
      max_tokens: 40,
      temperature: 0.9,
      top_k: 20,
      seed: 7,
    });
    const body = (await response.json()) as CompleteBody;
    expect(body.tokens).toEqual((await expected('A', options)).tokens);
    const other = (await (
      await postJson('/complete', { checkpoint: id, prompt: 'A', max_tokens: 40, temperature: 0.9, top_k: 20, seed: 8 })
    ).json()) as CompleteBody;
    expect(other.tokens).not.toEqual(body.tokens);
  });

  it('stops at a newline when asked, and takes a Chinese prompt (byte level)', async () => {
    const stopped = (await (
      await postJson('/complete', {
        checkpoint: id,
        prompt: '\nJo',
        max_tokens: 64,
        temperature: 0,
        stop_at_newline: true,
      })
    ).json()) as CompleteBody;
    expect(stopped.text.endsWith('\n')).toBe(true);
    expect(stopped.text.indexOf('\n')).toBe(stopped.text.length - 1);
    expect(stopped.finish).toBe('newline');
    const chinese = await postJson('/complete', { checkpoint: id, prompt: '人工智能', max_tokens: 16 });
    expect(chinese.status).toBe(200);
    const body = (await chinese.json()) as CompleteBody;
    expect(body.tokens).toHaveLength(16);
    expect(body.text).not.toMatch(/[\uD800-\uDFFF]/);
  });

  it('streams Server-Sent Events: token events whose text adds up to the done event', async () => {
    const response = await postJson('/complete', {
      checkpoint: id,
      prompt: '\nMa',
      max_tokens: 20,
      temperature: 0,
      stream: true,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const list = await events(response);
    const tokens = list
      .filter((e) => e.event === 'token')
      .map((e) => JSON.parse(e.data) as { text: string; token: number });
    const done = list.at(-1);
    expect(done?.event).toBe('done');
    const final = JSON.parse(done?.data ?? '{}') as CompleteBody;
    expect(tokens.map((t) => t.token)).toEqual(final.tokens);
    expect(tokens.map((t) => t.text).join('')).toBe(final.text);
    expect(final.tokens).toEqual((await expected('\nMa', { maxTokens: 20, temperature: 0, topK: 40, seed: 1 })).tokens);
  });

  it('refuses bad requests with 4xx and a reason', async () => {
    const cases: [unknown, number, string, RegExp][] = [
      [{ checkpoint: 'A'.repeat(22), prompt: 'x' }, 404, 'not_found', /No checkpoint/],
      [{ checkpoint: '../../etc/passwd', prompt: 'x' }, 422, 'invalid', /body.checkpoint/],
      [{ checkpoint: id }, 422, 'invalid', /body.prompt/],
      [{ checkpoint: id, prompt: '' }, 422, 'invalid', /body.prompt/],
      [{ checkpoint: id, prompt: 'x', max_tokens: 1000 }, 422, 'invalid', /body.max_tokens/],
      [{ checkpoint: id, prompt: 'x', temperature: -1 }, 422, 'invalid', /body.temperature/],
      [{ checkpoint: id, prompt: 'x', top_k: 300 }, 422, 'invalid', /top_k/],
      [{ checkpoint: id, prompt: 'x', stream: 'yes' }, 422, 'invalid', /body.stream/],
      [{ checkpoint: id, prompt: 'é'.repeat(2049) }, 413, 'prompt_too_large', /4098 bytes; the limit is 4096/],
    ];
    for (const [body, status, code, message] of cases) {
      const response = await postJson('/complete', body);
      const json = (await response.json()) as { error: { code: string; message: string } };
      expect(response.status, JSON.stringify(json)).toBe(status);
      expect(json.error.code).toBe(code);
      expect(json.error.message).toMatch(message);
    }
    const malformed = await fetchWorker('/complete', {
      method: 'POST',
      body: '{"checkpoint": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    const form = await fetchWorker('/complete', { method: 'POST', body: 'a=b' });
    expect(form.status).toBe(415);
  });
});

describe('POST /v1/completions (OpenAI-compatible)', () => {
  it('answers in the completions shape with the same text as /complete', async () => {
    const response = await postJson('/v1/completions', { model: id, prompt: '\nMa', max_tokens: 24, temperature: 0 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      object: string;
      model: string;
      choices: { text: string; index: number; finish_reason: string }[];
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    expect(body.object).toBe('text_completion');
    expect(body.model).toBe(id);
    const reference = await expected('\nMa', { maxTokens: 24, temperature: 0, topK: 40, seed: 1 });
    expect(body.choices[0]).toMatchObject({ text: reference.text, index: 0, finish_reason: 'length' });
    expect(body.usage).toEqual({ prompt_tokens: 3, completion_tokens: 24, total_tokens: 27 });
  });

  it('streams chunks then [DONE], and honours stop "\\n"', async () => {
    const response = await postJson('/v1/completions', {
      model: id,
      prompt: '\nJo',
      max_tokens: 64,
      temperature: 0,
      stop: '\n',
      stream: true,
    });
    const list = await events(response);
    expect(list.at(-1)?.data).toBe('[DONE]');
    const chunks = list
      .slice(0, -1)
      .map((e) => JSON.parse(e.data) as { choices: { text: string; finish_reason: string | null }[] });
    const text = chunks.map((c) => c.choices[0]?.text ?? '').join('');
    expect(text.endsWith('\n')).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((c) => c.choices[0]?.finish_reason === null)).toBe(true);
  });

  it('refuses what it does not support', async () => {
    for (const body of [
      { model: id, prompt: 'x', n: 2 },
      { model: id, prompt: ['a', 'b'] },
      { model: id, prompt: 'x', stop: 'END' },
      { prompt: 'x' },
    ]) {
      const response = await postJson('/v1/completions', body);
      expect(response.status, JSON.stringify(body)).toBe(422);
    }
  });
});

describe('GET /api/checkpoints/:id/model.onnx', () => {
  it('serves the ONNX export, built once and cached in R2 by the file hash', async () => {
    const response = await fetchWorker(`/api/checkpoints/${id}/model.onnx`);
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(checkpoint.params.length * 4 * 0.5);
    const meta = (await (await fetchWorker(`/api/checkpoints/${id}`)).json()) as { sha256: string };
    const cached = await env.CHECKPOINTS.head(`onnx/${meta.sha256}.onnx`);
    expect(cached?.size).toBe(bytes.length);
  });
});
