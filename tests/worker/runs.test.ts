import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  D1_MAX_BOUND_PARAMETERS,
  insertMetricBatch,
  type MetricPoint,
  POINTS_PER_INSERT,
  storeMetricBatch,
} from '../../functions/storage/metrics';
import { adapterName } from '../../functions/storage/runs';
import { errorCode, fetchWorker, newRun, postJson, postMetrics, validRun } from './run-fixtures';

const point = (step: number, extra: Partial<MetricPoint> = {}): MetricPoint => ({
  step,
  train_loss: 4 - step / 1000,
  val_loss: null,
  tokens_per_s: 100 + step,
  lr: 0.001,
  time: 1_700_000_000_000 + step,
  ...extra,
});

// '../', SQL, NUL, too long, too short, one character off: none can name a run.
const hostileIds = [
  '..%2F..%2Fetc%2Fpasswd',
  '..%2F..%2F..%2F..%2F..%2F..%2F..%2Fx',
  encodeURIComponent("' OR 1=1 --"),
  encodeURIComponent('aaaaaaaaaaaaaaaaaaaaa;'),
  encodeURIComponent("x'; DROP TABLE runs; --"),
  '%00',
  'a'.repeat(5000),
  'short',
  encodeURIComponent('ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ'),
];

async function metricsOf(id: string, query = '') {
  const response = await fetchWorker(`/api/runs/${id}/metrics${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { runId: string; total: number; points: MetricPoint[] };
}

describe('POST /api/runs', () => {
  it('creates a run: 201 {id, writeToken}; D1 keeps only the token hash', async () => {
    const response = await postJson('/api/runs', validRun);
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; writeToken: string };
    expect(Object.keys(body).sort()).toEqual(['id', 'writeToken']);
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.writeToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await env.DB.prepare('SELECT * FROM runs WHERE id = ?').bind(body.id).first<Record<string, unknown>>();
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body.writeToken)));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    expect(row?.write_token_hash).toBe(hex);
    expect(JSON.stringify(row)).not.toContain(body.writeToken);
    expect(row?.adapter_name).toBe('google · swiftshader');
  });

  it('names the adapter from its non-empty parts', () => {
    expect(adapterName({ vendor: 'nvidia', architecture: 'ampere', device: 'rtx 3090' })).toBe(
      'nvidia · ampere · rtx 3090',
    );
    expect(adapterName({ vendor: ' apple ', architecture: '', device: 'm2', description: 'ignored' })).toBe(
      'apple · m2',
    );
    expect(adapterName({ description: 'only a description' })).toBe('unknown adapter');
    expect(adapterName({ vendor: '  ' })).toBe('unknown adapter');
  });

  it('keeps the known adapter fields and drops the rest', async () => {
    const { id } = await newRun({ adapter: { vendor: 'amd', subgroupMinSize: 32 } });
    const run = (await (await fetchWorker(`/api/runs/${id}`)).json()) as { adapter: object; adapterName: string };
    expect(run.adapter).toEqual({ vendor: 'amd' });
    expect(run.adapterName).toBe('amd');
  });

  it('refuses bad bodies with 400/413/415/422 in the error shape', async () => {
    const { config: _c, ...noConfig } = validRun;
    const { adapter: _a, ...noAdapter } = validRun;
    const cases: [string, unknown, number, string][] = [
      ['malformed JSON', '{"model": "gpt",', 400, 'bad_json'],
      ['empty body', '', 400, 'bad_json'],
      ['a JSON array', '[]', 422, 'invalid'],
      ['JSON null', 'null', 422, 'invalid'],
      ['missing model', { ...validRun, model: undefined }, 422, 'invalid'],
      ['another model', { ...validRun, model: 'rnn' }, 422, 'invalid'],
      ['missing preset', { ...validRun, preset: undefined }, 422, 'invalid'],
      ['blank preset', { ...validRun, preset: '   ' }, 422, 'invalid'],
      ['long preset', { ...validRun, preset: 'p'.repeat(65) }, 422, 'invalid'],
      ['numeric preset', { ...validRun, preset: 7 }, 422, 'invalid'],
      ['missing dataset', { ...validRun, dataset: undefined }, 422, 'invalid'],
      ['dataset over 200 chars', { ...validRun, dataset: 'd'.repeat(201) }, 422, 'invalid'],
      ['missing config', noConfig, 422, 'invalid'],
      ['config an array', { ...validRun, config: [1, 2] }, 422, 'invalid'],
      ['config a string', { ...validRun, config: '{}' }, 422, 'invalid'],
      ['config over 16 KB', { ...validRun, config: { blob: 'x'.repeat(16 * 1024) } }, 422, 'invalid'],
      ['missing adapter', noAdapter, 422, 'invalid'],
      ['adapter vendor a number', { ...validRun, adapter: { vendor: 1 } }, 422, 'invalid'],
      ['adapter field over 200 chars', { ...validRun, adapter: { device: 'g'.repeat(201) } }, 422, 'invalid'],
      ['body over the limit', { ...validRun, config: { blob: 'x'.repeat(70_000) } }, 413, 'too_large'],
    ];
    for (const [name, body, status, code] of cases) {
      const response = await postJson('/api/runs', body);
      expect(response.status, name).toBe(status);
      expect(await errorCode(response), name).toBe(code);
    }
    const text = await fetchWorker('/api/runs', { method: 'POST', body: JSON.stringify(validRun) });
    expect(text.status).toBe(415);
    expect(await errorCode(text)).toBe('unsupported_media_type');
  });

  it('names the bad field in the 422 message', async () => {
    const response = await postJson('/api/runs', { ...validRun, dataset: 'd'.repeat(201) });
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^body\.dataset: /);
  });
});

describe('GET /api/runs/:id', () => {
  it('returns the run with config and adapter as objects, never the token or its hash', async () => {
    const before = Date.now();
    const { id, writeToken } = await newRun();
    const response = await fetchWorker(`/api/runs/${id}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const run = JSON.parse(text);
    expect(run).toEqual({
      id,
      model: 'gpt',
      preset: 'tiny',
      dataset: 'names',
      config: validRun.config,
      adapter: validRun.adapter,
      adapterName: 'google · swiftshader',
      createdAt: expect.any(Number),
    });
    expect(run.createdAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(text).not.toContain(writeToken);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toMatch(/hash|token/i);
  });

  it('answers 404 for an unknown id and for hostile ids', async () => {
    const unknown = await fetchWorker('/api/runs/AAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe('not_found');
    for (const id of hostileIds) {
      for (const path of [`/api/runs/${id}`, `/api/runs/${id}/metrics`]) {
        const response = await fetchWorker(path);
        expect(response.status, path.slice(0, 80)).toBe(404);
        expect(await errorCode(response)).toBe('not_found');
      }
    }
    expect((await env.DB.prepare('SELECT count(*) AS n FROM runs').first<{ n: number }>())?.n).toBeGreaterThan(0);
  });
});

describe('POST /api/runs/:id/metrics', () => {
  it('stores a new batch (201) and answers a retry as a duplicate (200) without storing it twice', async () => {
    const run = await newRun();
    const points = [point(0), point(1, { val_loss: 3.5 }), point(2)];
    const first = await postMetrics(run, 0, points);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ stored: 3, duplicate: false });
    // The retry carries other numbers: they must not be applied.
    const retry = await postMetrics(run, 0, [point(1, { val_loss: 9 }), point(99)]);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ stored: 0, duplicate: true });
    const series = await metricsOf(run.id);
    expect(series).toEqual({ runId: run.id, total: 3, points });
    const batches = await env.DB.prepare('SELECT seq, points FROM metric_batches WHERE run_id = ?').bind(run.id).all();
    expect(batches.results).toEqual([{ seq: 0, points: 3 }]);
  });

  it('accepts out-of-order batches and returns points in step order', async () => {
    const run = await newRun();
    const batches: [seq: number, firstStep: number][] = [
      [2, 20],
      [0, 0],
      [1, 10],
    ];
    for (const [seq, firstStep] of batches) {
      const response = await postMetrics(run, seq, [point(firstStep), point(firstStep + 1)]);
      expect(response.status).toBe(201);
    }
    const series = await metricsOf(run.id);
    expect(series.total).toBe(6);
    expect(series.points.map((p) => p.step)).toEqual([0, 1, 10, 11, 20, 21]);
  });

  it('upserts points by step: later values win, nulls keep what was there', async () => {
    const run = await newRun();
    await postMetrics(run, 0, [point(5, { train_loss: 2, val_loss: null, lr: 0.01 })]);
    await postMetrics(run, 1, [{ step: 5, val_loss: 1.5, train_loss: null }, { step: 6 }]);
    const series = await metricsOf(run.id);
    expect(series.points).toEqual([
      { ...point(5), train_loss: 2, val_loss: 1.5, lr: 0.01 },
      { step: 6, train_loss: null, val_loss: null, tokens_per_s: null, lr: null, time: null },
    ]);
  });

  it('stores a full 500-point batch (inserts chunked under D1s 100 bound parameters)', async () => {
    expect(POINTS_PER_INSERT * 7).toBeLessThanOrEqual(D1_MAX_BOUND_PARAMETERS);
    const run = await newRun();
    const points = Array.from({ length: 500 }, (_, i) => point(i * 3));
    const response = await postMetrics(run, 0, points);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ stored: 500, duplicate: false });
    const series = await metricsOf(run.id, '?max_points=5000');
    expect(series.total).toBe(500);
    expect(series.points).toEqual(points);
  });

  it('answers two racing identical retries with one store and one duplicate', async () => {
    const run = await newRun();
    const points = Array.from({ length: 50 }, (_, i) => point(i));
    const answers = await Promise.all([postMetrics(run, 7, points), postMetrics(run, 7, points)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(bodies).toContainEqual({ stored: 0, duplicate: true });
    expect(bodies).toContainEqual({ stored: 50, duplicate: false });
    expect((await metricsOf(run.id)).total).toBe(50);
  });

  it('rolls the whole batch back when the (run, seq) row already exists', async () => {
    const { id } = await newRun();
    expect(await insertMetricBatch(env, id, 3, [point(1), point(2)])).toEqual({ stored: 2, duplicate: false });
    // insertMetricBatch skips storeMetricBatch's check: this is the losing side of a race.
    const again = await insertMetricBatch(env, id, 3, [point(1, { train_loss: 123 }), point(4)]);
    expect(again).toEqual({ stored: 0, duplicate: true });
    expect((await metricsOf(id)).points).toEqual([point(1), point(2)]);
    expect(await storeMetricBatch(env, id, 3, [point(9)])).toEqual({ stored: 0, duplicate: true });
  });

  it('needs the run write token: 401 without one, 403 for a wrong one, 404 for an unknown run', async () => {
    const run = await newRun();
    const other = await newRun();
    const body = { seq: 0, points: [point(0)] };
    const noAuth = await postJson(`/api/runs/${run.id}/metrics`, body);
    expect(noAuth.status).toBe(401);
    expect(await errorCode(noAuth)).toBe('unauthorized');
    const basic = await postJson(`/api/runs/${run.id}/metrics`, body, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(basic.status).toBe(401);
    for (const token of ['wrong', other.writeToken, `${run.writeToken}x`, run.writeToken.slice(1)]) {
      const response = await postJson(`/api/runs/${run.id}/metrics`, body, { authorization: `Bearer ${token}` });
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('forbidden');
    }
    const unknown = await postMetrics({ id: 'AAAAAAAAAAAAAAAAAAAAAA', writeToken: run.writeToken }, 0, [point(0)]);
    expect(unknown.status).toBe(404);
    for (const id of hostileIds) {
      const response = await postMetrics({ id, writeToken: run.writeToken }, 0, [point(0)]);
      expect(response.status).toBe(404);
      expect(await errorCode(response)).toBe('not_found');
    }
    expect((await metricsOf(run.id)).total).toBe(0);
  });

  it('refuses bad batches with 400/415/422, and stores nothing', async () => {
    const run = await newRun();
    const good = point(0);
    const cases: [string, unknown, number][] = [
      ['malformed JSON', '{"seq": 0, "points": [', 400],
      ['missing seq', { points: [good] }, 422],
      ['negative seq', { seq: -1, points: [good] }, 422],
      ['fractional seq', { seq: 0.5, points: [good] }, 422],
      ['seq a string', { seq: '0', points: [good] }, 422],
      ['seq past 2^53', { seq: 2 ** 53, points: [good] }, 422],
      ['seq 1e999 (Infinity)', '{"seq": 1e999, "points": [{"step": 0}]}', 422],
      ['missing points', { seq: 0 }, 422],
      ['points not a list', { seq: 0, points: good }, 422],
      ['no points', { seq: 0, points: [] }, 422],
      ['501 points', { seq: 0, points: Array.from({ length: 501 }, (_, i) => ({ step: i })) }, 422],
      ['point without step', { seq: 0, points: [{ train_loss: 1 }] }, 422],
      ['negative step', { seq: 0, points: [{ step: -1 }] }, 422],
      ['fractional step', { seq: 0, points: [{ step: 1.5 }] }, 422],
      ['huge step', { seq: 0, points: [{ step: 1e300 }] }, 422],
      ['loss a string', { seq: 0, points: [{ step: 0, train_loss: '1.5' }] }, 422],
      ['loss Infinity', '{"seq": 0, "points": [{"step": 0, "val_loss": -1e999}]}', 422],
      ['negative tokens_per_s', { seq: 0, points: [{ step: 0, tokens_per_s: -5 }] }, 422],
      ['fractional time', { seq: 0, points: [{ step: 0, time: 1.5 }] }, 422],
      ['a point that is null', { seq: 0, points: [null] }, 422],
    ];
    for (const [name, body, status] of cases) {
      const answer = await postJson(`/api/runs/${run.id}/metrics`, body, { authorization: `Bearer ${run.writeToken}` });
      expect(answer.status, name).toBe(status);
      expect(await errorCode(answer), name).toBe(status === 400 ? 'bad_json' : 'invalid');
    }
    const plain = await fetchWorker(`/api/runs/${run.id}/metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${run.writeToken}` },
      body: '{"seq":0,"points":[{"step":0}]}',
    });
    expect(plain.status).toBe(415);
    expect((await metricsOf(run.id)).total).toBe(0);
  });
});

/**
 * The downsampling rule, written independently of the SQL: evenly spaced =
 * indices ceil(j * (n - 1) / (m - 1)), j = 0 .. m - 1.
 */
function evenlySpaced<T>(items: readonly T[], m: number): T[] {
  const n = items.length;
  return Array.from({ length: m }, (_, j) => items[Math.floor((j * (n - 1) + m - 2) / (m - 1))] as T);
}

function expectedSample(points: readonly MetricPoint[], maxPoints: number): MetricPoint[] {
  if (points.length <= maxPoints) return [...points];
  const withVal = points.filter((p) => p.val_loss !== null);
  if (withVal.length + 2 > maxPoints) return evenlySpaced(points, maxPoints);
  const others = evenlySpaced(
    points.filter((p) => p.val_loss === null),
    maxPoints - withVal.length,
  );
  return [...withVal, ...others].sort((a, b) => a.step - b.step);
}

describe('GET /api/runs/:id/metrics', () => {
  // 1200 points, steps 0..2398 by 2; a val_loss every 100 steps (24 of them, step 0 included).
  const points = Array.from({ length: 1200 }, (_, i) => point(2 * i, { val_loss: i % 50 === 0 ? 3 - i / 1000 : null }));
  let runId = '';

  it('returns every point when there are no more than max_points (default 500)', async () => {
    const run = await newRun();
    runId = run.id;
    for (let seq = 0; seq < 3; seq++) {
      expect((await postMetrics(run, seq, points.slice(seq * 400, (seq + 1) * 400))).status).toBe(201);
    }
    const all = await metricsOf(runId, '?max_points=1200');
    expect(all).toEqual({ runId, total: 1200, points });
    const empty = await newRun();
    expect(await metricsOf(empty.id)).toEqual({ runId: empty.id, total: 0, points: [] });
  });

  it('downsamples to max_points: first and last kept, every val_loss point kept when it fits', async () => {
    const byDefault = await metricsOf(runId);
    expect(byDefault.total).toBe(1200);
    expect(byDefault.points).toHaveLength(500);
    for (const maxPoints of [26, 27, 37, 500, 1199]) {
      const { points: got } = await metricsOf(runId, `?max_points=${maxPoints}`);
      expect(got, `max_points=${maxPoints}`).toEqual(expectedSample(points, maxPoints));
      expect(got).toHaveLength(maxPoints);
      expect(got[0]?.step).toBe(0);
      expect(got.at(-1)?.step).toBe(2398);
      expect(got.filter((p) => p.val_loss !== null)).toHaveLength(24);
      expect(got.map((p) => p.step)).toEqual([...got.map((p) => p.step)].sort((a, b) => a - b));
    }
  });

  it('spaces points evenly over all of them when the val_loss points do not fit', async () => {
    for (const maxPoints of [2, 3, 10, 25]) {
      const { points: got } = await metricsOf(runId, `?max_points=${maxPoints}`);
      expect(got, `max_points=${maxPoints}`).toEqual(evenlySpaced(points, maxPoints));
      expect(got[0]?.step).toBe(0);
      expect(got.at(-1)?.step).toBe(2398);
    }
    expect((await metricsOf(runId, '?max_points=2')).points.map((p) => p.step)).toEqual([0, 2398]);
  });

  it('keeps the last point when it has no val_loss and the first when it has one', async () => {
    const run = await newRun();
    // 30 points; val_loss on steps 0, 10, 20 only; last step 29 has none.
    const few = Array.from({ length: 30 }, (_, i) => point(i, { val_loss: i % 10 === 0 ? 1 / (i + 1) : null }));
    await postMetrics(run, 0, few);
    const { points: got } = await metricsOf(run.id, '?max_points=6');
    // The others (27) get 3 picks: their indices 0, 13, 26 = steps 1, 15, 29.
    expect(got.map((p) => p.step)).toEqual([0, 1, 10, 15, 20, 29]);
    expect(got).toEqual(expectedSample(few, 6));
  });

  it('refuses a bad max_points with 422', async () => {
    for (const value of ['1', '0', '5001', '-3', '2.5', 'abc', '', '1e3', '99999999999999999999', "1'--"]) {
      const response = await fetchWorker(`/api/runs/${runId}/metrics?max_points=${encodeURIComponent(value)}`);
      expect(response.status, value).toBe(422);
      expect(await errorCode(response)).toBe('invalid');
    }
    expect((await metricsOf(runId, '?max_points=5000&other=ignored')).points).toHaveLength(1200);
  });

  it('answers 404 for an unknown run', async () => {
    const response = await fetchWorker('/api/runs/AAAAAAAAAAAAAAAAAAAAAA/metrics');
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('not_found');
  });
});
