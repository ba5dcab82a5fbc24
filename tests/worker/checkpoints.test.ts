import { env, exports } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../client/data/sha256';
import { joinFile, splitFile, tinyCheckpoint, withTensor } from './checkpoint-files';

// /api/checkpoints inside workerd, on the local D1 and R2 of this test file.
// The upload limit is 1 MiB here (vitest.config.ts), so 413 is cheap to reach.

const fetchWorker = (path: string, init?: RequestInit) =>
  exports.default.fetch(new Request(`http://kindling.test${path}`, init));

const upload = (bytes: Uint8Array, query = '', headers: Record<string, string> = {}) =>
  fetchWorker(`/api/checkpoints${query}`, {
    method: 'POST',
    body: bytes,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  });

interface Created {
  id: string;
  url: string;
  deleteToken: string;
  sha256: string;
  size: number;
}
interface ErrorBody {
  error: { code: string; message: string };
}

async function created(response: Response): Promise<Created> {
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Created;
}

async function refused(response: Response, status: number, code: string, message?: RegExp): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

async function storedObjects(): Promise<string[]> {
  return (await env.CHECKPOINTS.list()).objects.map((o) => o.key);
}
async function checkpointRows(): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM checkpoints').first<{ n: number }>();
  return row?.n ?? -1;
}

beforeEach(async () => {
  await env.DB.exec('DELETE FROM checkpoints');
  const keys = await storedObjects();
  if (keys.length) await env.CHECKPOINTS.delete(keys);
});

describe('POST /api/checkpoints', () => {
  it('stores a valid checkpoint: 201 with a random id and a delete token, metadata from the file', async () => {
    const bytes = tinyCheckpoint();
    const body = await created(await upload(bytes, '?name=My%20names%20model'));
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.deleteToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.sha256).toBe(await sha256Hex(bytes));
    expect(body.size).toBe(bytes.length);
    expect(body.url).toBe(`http://kindling.test/api/checkpoints/${body.id}`);

    const meta = (await (await fetchWorker(`/api/checkpoints/${body.id}`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({
      id: body.id,
      name: 'My names model',
      model: 'gpt',
      config: { vocabSize: 256, contextLength: 32, layers: 2, heads: 2, channels: 32 },
      parentId: null,
      size: bytes.length,
      sha256: body.sha256,
      step: 120,
      trainLoss: 2.5,
      valLoss: 2.75,
      dataset: 'names',
      tokenizer: 'byte',
      fileUrl: `http://kindling.test/api/checkpoints/${body.id}/file`,
    });
    expect(JSON.stringify(meta)).not.toMatch(/deleteToken|TokenHash/);
    // D1 holds a hash of the token, never the token.
    const row = await env.DB.prepare('SELECT delete_token_hash AS h FROM checkpoints WHERE id = ?')
      .bind(body.id)
      .first<{ h: string }>();
    expect(row?.h).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.h).not.toContain(body.deleteToken);
    expect(await storedObjects()).toEqual([`sha256/${body.sha256}`]);
  });

  it('names a checkpoint after its data and step by default', async () => {
    const { id } = await created(await upload(tinyCheckpoint({ step: 7 })));
    const meta = (await (await fetchWorker(`/api/checkpoints/${id}`)).json()) as { name: string };
    expect(meta.name).toBe('names · step 7');
  });

  it('stores the same bytes once (content addressed), as two checkpoints', async () => {
    const bytes = tinyCheckpoint();
    const a = await created(await upload(bytes));
    const b = await created(await upload(bytes));
    expect(a.id).not.toBe(b.id);
    expect(await storedObjects()).toEqual([`sha256/${a.sha256}`]);
    expect(await checkpointRows()).toBe(2);
  });

  it('refuses malformed files with 422 and the reason, storing nothing', async () => {
    const good = tinyCheckpoint();
    const { header, data } = splitFile(good);
    const cases: [string, Uint8Array, RegExp][] = [
      ['shorter than 8 bytes', good.subarray(0, 5), /shorter than the 8-byte header length/],
      ['truncated in the data', good.subarray(0, good.length - 100), /run past the data section|belong to no tensor/],
      ['header length beyond the file', joinFile(header, data, BigInt(good.length)), /runs past the end of the file/],
      ['non-JSON header', joinFile('{"wte": nope}', data), /header is not JSON/],
      ['unknown dtype', withTensor(good, 'wte', (t) => (t.dtype = 'F16')), /dtype "F16" is not supported/],
      [
        'overlapping offsets',
        withTensor(good, 'wpe', (t) => {
          const [b, e] = t.data_offsets as [number, number];
          t.data_offsets = [b - 4, e - 4];
        }),
        /overlap/,
      ],
      [
        'offsets out of range',
        withTensor(good, 'lnf.b', (t) => {
          const [b, e] = t.data_offsets as [number, number];
          t.data_offsets = [b + 1000, e + 1000];
        }),
        /run past the data section/,
      ],
      [
        'shape inconsistent with the config',
        withTensor(good, 'wpe', (t) => {
          t.shape = [16, 64];
        }),
        /tensor 'wpe' has shape \[16, 64\]; the config needs \[32, 32\]/,
      ],
      [
        'not a Kindling checkpoint',
        joinFile({ ...header, __metadata__: { format: 'pytorch' } }, data),
        /metadata.format is "pytorch"/,
      ],
    ];
    for (const [what, bytes, reason] of cases) {
      const response = await upload(bytes);
      expect(response.status, what).toBe(422);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code, what).toBe('invalid_checkpoint');
      expect(body.error.message, what).toMatch(reason);
    }
    expect(await storedObjects()).toEqual([]);
    expect(await checkpointRows()).toBe(0);
  });

  it('refuses the wrong content type (415), a body without a length (411) and an oversize one (413)', async () => {
    await refused(
      await upload(tinyCheckpoint(), '', { 'content-type': 'application/json' }),
      415,
      'unsupported_media_type',
    );
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(tinyCheckpoint());
        controller.close();
      },
    });
    const response = await fetchWorker('/api/checkpoints', {
      method: 'POST',
      body: chunked,
      headers: { 'content-type': 'application/octet-stream' },
    });
    await refused(response, 411, 'length_required');
    await refused(
      await upload(new Uint8Array(1024 * 1024 + 1)),
      413,
      'too_large',
      /1048577 bytes; the limit is 1048576/,
    );
    expect(await storedObjects()).toEqual([]);
  });

  it('refuses bad query parameters and unknown parents or runs with 422', async () => {
    await refused(await upload(tinyCheckpoint(), `?name=${'x'.repeat(101)}`), 422, 'invalid', /query.name/);
    await refused(await upload(tinyCheckpoint(), '?parent=../../etc'), 422, 'invalid', /query.parent/);
    await refused(await upload(tinyCheckpoint(), `?parent=${'A'.repeat(22)}`), 422, 'unknown_parent');
    await refused(await upload(tinyCheckpoint(), `?run=${'B'.repeat(22)}`), 422, 'unknown_run');
    expect(await checkpointRows()).toBe(0);
  });
});

describe('GET /api/checkpoints/:id/file', () => {
  it('streams the bytes with an ETag, immutable caching and a download name', async () => {
    const bytes = tinyCheckpoint();
    const { id, sha256 } = await created(await upload(bytes, '?name=names%20v1'));
    const response = await fetchWorker(`/api/checkpoints/${id}/file`);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${sha256}"`);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="names-v1.safetensors"');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);

    const revalidated = await fetchWorker(`/api/checkpoints/${id}/file`, {
      headers: { 'if-none-match': `"${sha256}"` },
    });
    expect(revalidated.status).toBe(304);
  });

  it('answers byte ranges with 206 and unsatisfiable ones with 416', async () => {
    const bytes = tinyCheckpoint();
    const { id } = await created(await upload(bytes));
    const first = await fetchWorker(`/api/checkpoints/${id}/file`, { headers: { range: 'bytes=0-7' } });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-7/${bytes.length}`);
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(bytes.subarray(0, 8));
    const tail = await fetchWorker(`/api/checkpoints/${id}/file`, { headers: { range: 'bytes=-16' } });
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 16));
    const open = await fetchWorker(`/api/checkpoints/${id}/file`, { headers: { range: `bytes=${bytes.length - 3}-` } });
    expect(new Uint8Array(await open.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 3));
    const past = await fetchWorker(`/api/checkpoints/${id}/file`, { headers: { range: `bytes=${bytes.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
  });
});

describe('unknown and hostile ids', () => {
  it('answers 404 in the error shape for every read and the delete', async () => {
    for (const id of ['A'.repeat(22), "x'%20OR%201=1--", '..%2F..%2Fetc%2Fpasswd', 'short']) {
      for (const suffix of ['', '/file', '/model.onnx']) {
        await refused(await fetchWorker(`/api/checkpoints/${id}${suffix}`), 404, 'not_found');
      }
      const del = await fetchWorker(`/api/checkpoints/${id}`, {
        method: 'DELETE',
        headers: { authorization: 'Bearer x' },
      });
      await refused(del, 404, 'not_found');
    }
  });
});

describe('DELETE /api/checkpoints/:id', () => {
  it('needs the delete token: 401 without, 403 wrong, 204 right; bytes go with the last row', async () => {
    const bytes = tinyCheckpoint();
    const a = await created(await upload(bytes));
    const b = await created(await upload(bytes));
    const path = `/api/checkpoints/${a.id}`;
    await refused(await fetchWorker(path, { method: 'DELETE' }), 401, 'unauthorized');
    await refused(
      await fetchWorker(path, { method: 'DELETE', headers: { authorization: `Bearer ${b.deleteToken}` } }),
      403,
      'forbidden',
    );
    const ok = await fetchWorker(path, { method: 'DELETE', headers: { authorization: `Bearer ${a.deleteToken}` } });
    expect(ok.status).toBe(204);
    await refused(await fetchWorker(path), 404, 'not_found');
    // b still shares the bytes.
    expect(await storedObjects()).toEqual([`sha256/${a.sha256}`]);
    expect((await fetchWorker(`/api/checkpoints/${b.id}/file`)).status).toBe(200);
    const last = await fetchWorker(`/api/checkpoints/${b.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${b.deleteToken}` },
    });
    expect(last.status).toBe(204);
    expect(await storedObjects()).toEqual([]);
  });
});

describe('lineage', () => {
  it('lists the forks of a checkpoint, linked by ?parent= or by the parent hash the trainer records', async () => {
    const parentBytes = tinyCheckpoint();
    const parent = await created(await upload(parentBytes));
    const explicit = await created(await upload(tinyCheckpoint({ step: 200 }), `?parent=${parent.id}`));
    const recorded = await created(await upload(tinyCheckpoint({ step: 300, parent: `sha256:${parent.sha256}` })));
    const unrelated = await created(await upload(tinyCheckpoint({ step: 400, parent: `sha256:${'0'.repeat(64)}` })));

    const forks = (await (await fetchWorker(`/api/checkpoints?parent=${parent.id}`)).json()) as {
      checkpoints: { id: string; parentId: string }[];
    };
    expect(forks.checkpoints.map((c) => c.id).sort()).toEqual([explicit.id, recorded.id].sort());
    const all = (await (await fetchWorker('/api/checkpoints?limit=10')).json()) as { checkpoints: { id: string }[] };
    expect(all.checkpoints).toHaveLength(4);
    const meta = (await (await fetchWorker(`/api/checkpoints/${unrelated.id}`)).json()) as { parentId: string | null };
    expect(meta.parentId).toBeNull();
    await refused(await fetchWorker('/api/checkpoints?limit=0'), 422, 'invalid', /query.limit/);
    await refused(await fetchWorker("/api/checkpoints?parent=' OR 1=1"), 422, 'invalid', /query.parent/);
  });
});

describe('multipart upload', () => {
  const part = (name: string, uploadId: string, n: number, bytes: Uint8Array) =>
    fetchWorker(`/api/checkpoints/uploads/${name}/parts/${n}?uploadId=${encodeURIComponent(uploadId)}`, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
  const complete = (name: string, uploadId: string, parts: unknown) =>
    fetchWorker(`/api/checkpoints/uploads/${name}/complete?uploadId=${encodeURIComponent(uploadId)}&name=mp`, {
      method: 'POST',
      body: JSON.stringify({ parts }),
      headers: { 'content-type': 'application/json' },
    });
  async function start(): Promise<{ upload: string; uploadId: string }> {
    const response = await fetchWorker('/api/checkpoints/uploads', { method: 'POST' });
    expect(response.status).toBe(201);
    return (await response.json()) as { upload: string; uploadId: string };
  }

  it('assembles the parts, validates the file and stores it like a direct upload', async () => {
    const bytes = tinyCheckpoint();
    const { upload: name, uploadId } = await start();
    const p1 = (await (await part(name, uploadId, 1, bytes)).json()) as { partNumber: number; etag: string };
    expect(p1.partNumber).toBe(1);
    const body = await created(await complete(name, uploadId, [p1]));
    expect(body.sha256).toBe(await sha256Hex(bytes));
    const file = await fetchWorker(`/api/checkpoints/${body.id}/file`);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
    // The staged object is gone; only the content-addressed file remains.
    expect(await storedObjects()).toEqual([`sha256/${body.sha256}`]);
  });

  it('refuses an invalid assembled file with 422 and removes the staged object', async () => {
    const { upload: name, uploadId } = await start();
    const bad = withTensor(tinyCheckpoint(), 'wte', (t) => (t.dtype = 'BF16'));
    const p1 = (await (await part(name, uploadId, 1, bad)).json()) as { partNumber: number; etag: string };
    await refused(await complete(name, uploadId, [p1]), 422, 'invalid_checkpoint', /BF16/);
    expect(await storedObjects()).toEqual([]);
    expect(await checkpointRows()).toBe(0);
  });

  it('aborts, and answers unknown uploads and bad bodies with 4xx', async () => {
    const { upload: name, uploadId } = await start();
    const aborted = await fetchWorker(`/api/checkpoints/uploads/${name}?uploadId=${encodeURIComponent(uploadId)}`, {
      method: 'DELETE',
    });
    expect(aborted.status).toBe(204);
    const late = await part(name, uploadId, 1, tinyCheckpoint());
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect(late.status).toBeLessThan(500);
    await refused(await part('../../x', 'id', 1, tinyCheckpoint()), 404, 'not_found');
    await refused(await part(name, uploadId, 0, tinyCheckpoint()), 422, 'invalid', /part/);
    const fresh = await start();
    const malformed = await fetchWorker(`/api/checkpoints/uploads/${fresh.upload}/complete?uploadId=x`, {
      method: 'POST',
      body: '{"parts": [',
      headers: { 'content-type': 'application/json' },
    });
    await refused(malformed, 400, 'bad_json');
    await refused(await complete(fresh.upload, fresh.uploadId, []), 422, 'invalid', /parts/);
  });
});
