import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { median } from '../../functions/storage/leaderboard';
import { errorCode, fetchWorker, newRun, postMetrics } from './run-fixtures';

interface Leaderboard {
  dataset: string | null;
  bestValLoss: { dataset: string; preset: string; runId: string; valLoss: number; step: number }[];
  throughput: { adapterName: string; runs: number; medianTokensPerS: number }[];
}

async function leaderboard(query = ''): Promise<Leaderboard> {
  const response = await fetchWorker(`/api/leaderboard${query}`);
  expect(response.status).toBe(200);
  return response.json();
}

const rtx = { vendor: 'nvidia', architecture: 'ampere', device: 'rtx 3090' };
const swiftshader = { vendor: 'google', architecture: 'swiftshader' };

/** A run with the given (step, val_loss, tokens_per_s) points, sent in one batch. */
async function runWith(
  dataset: string,
  preset: string,
  adapter: Record<string, unknown>,
  points: [step: number, valLoss: number | null, tokensPerS: number | null][],
): Promise<string> {
  const run = await newRun({ dataset, preset, adapter });
  const batch = points.map(([step, val_loss, tokens_per_s]) => ({ step, val_loss, tokens_per_s, train_loss: 5 }));
  expect((await postMetrics(run, 0, batch)).status).toBe(201);
  return run.id;
}

describe('GET /api/leaderboard', () => {
  // Known numbers. names/tiny: best 2.4 (run b, step 50). names/small: 2.0 (c, 100).
  // moby/tiny: 1.8 (d, 7). ties/tiny: 1.5 twice, the earlier run (e) wins.
  // Run medians of tokens_per_s: a 200, b 25, c 1000 (rtx: median 200 over 3 runs);
  // d 6, e 12 (swiftshader: median 9 over 2 runs); f (no adapter info) 50.
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    expect(await leaderboard()).toEqual({ dataset: null, bestValLoss: [], throughput: [] });
    ids.a = await runWith('names', 'tiny', rtx, [
      [10, 3.0, 100],
      [20, 2.5, 300],
      [30, 2.7, 200],
    ]);
    ids.b = await runWith('names', 'tiny', rtx, [
      [10, null, 10],
      [20, null, 40],
      [30, null, 30],
      [50, 2.4, 20],
    ]);
    ids.c = await runWith('names', 'small', rtx, [[100, 2.0, 1000]]);
    ids.d = await runWith('moby', 'tiny', swiftshader, [
      [1, 4.0, 5],
      [7, 1.8, 7],
    ]);
    ids.e = await runWith('ties', 'tiny', swiftshader, [
      [3, 1.5, 12],
      [4, 1.6, null],
    ]);
    // Same loss as e, a later run: e keeps first place. Also no throughput numbers.
    ids.e2 = await runWith('ties', 'tiny', rtx, [[2, 1.5, null]]);
    ids.f = await runWith('moby', 'small', {}, [
      [1, null, 50],
      [2, null, 50],
    ]);
  });

  it('lists the best val loss per (dataset, preset) and the median throughput per adapter', async () => {
    expect(await leaderboard()).toEqual({
      dataset: null,
      bestValLoss: [
        { dataset: 'moby', preset: 'tiny', runId: ids.d, valLoss: 1.8, step: 7 },
        { dataset: 'names', preset: 'small', runId: ids.c, valLoss: 2.0, step: 100 },
        { dataset: 'names', preset: 'tiny', runId: ids.b, valLoss: 2.4, step: 50 },
        { dataset: 'ties', preset: 'tiny', runId: ids.e, valLoss: 1.5, step: 3 },
      ],
      throughput: [
        { adapterName: 'nvidia · ampere · rtx 3090', runs: 3, medianTokensPerS: 200 },
        { adapterName: 'unknown adapter', runs: 1, medianTokensPerS: 50 },
        { adapterName: 'google · swiftshader', runs: 2, medianTokensPerS: 9 },
      ],
    });
  });

  it('narrows both tables to one dataset', async () => {
    expect(await leaderboard('?dataset=names')).toEqual({
      dataset: 'names',
      bestValLoss: [
        { dataset: 'names', preset: 'small', runId: ids.c, valLoss: 2.0, step: 100 },
        { dataset: 'names', preset: 'tiny', runId: ids.b, valLoss: 2.4, step: 50 },
      ],
      throughput: [{ adapterName: 'nvidia · ampere · rtx 3090', runs: 3, medianTokensPerS: 200 }],
    });
    expect(await leaderboard('?dataset=moby')).toMatchObject({
      bestValLoss: [{ preset: 'tiny', runId: ids.d }],
      throughput: [
        { adapterName: 'unknown adapter', runs: 1, medianTokensPerS: 50 },
        { adapterName: 'google · swiftshader', runs: 1, medianTokensPerS: 6 },
      ],
    });
  });

  it('follows later metrics: a new best and more throughput change the answer', async () => {
    const run = await newRun({ dataset: 'later', preset: 'tiny', adapter: swiftshader });
    await postMetrics(run, 0, [{ step: 1, val_loss: 3, tokens_per_s: 1 }]);
    expect((await leaderboard('?dataset=later')).bestValLoss).toEqual([
      { dataset: 'later', preset: 'tiny', runId: run.id, valLoss: 3, step: 1 },
    ]);
    await postMetrics(run, 1, [
      { step: 2, val_loss: 2.5, tokens_per_s: 3 },
      { step: 3, tokens_per_s: 2 },
    ]);
    expect(await leaderboard('?dataset=later')).toEqual({
      dataset: 'later',
      bestValLoss: [{ dataset: 'later', preset: 'tiny', runId: run.id, valLoss: 2.5, step: 2 }],
      throughput: [{ adapterName: 'google · swiftshader', runs: 1, medianTokensPerS: 2 }],
    });
  });

  it('answers an unknown or hostile dataset with empty tables', async () => {
    for (const dataset of ['nothing', "' OR 1=1 --", '../../etc/passwd', 'names; DROP TABLE runs']) {
      expect(await leaderboard(`?dataset=${encodeURIComponent(dataset)}`)).toEqual({
        dataset,
        bestValLoss: [],
        throughput: [],
      });
    }
    expect((await env.DB.prepare('SELECT count(*) AS n FROM runs').first<{ n: number }>())?.n).toBe(8);
  });

  it('refuses a blank or overlong dataset with 422', async () => {
    for (const query of ['?dataset=', '?dataset=%20%20', `?dataset=${'d'.repeat(201)}`]) {
      const response = await fetchWorker(`/api/leaderboard${query}`);
      expect(response.status, query.slice(0, 40)).toBe(422);
      expect(await errorCode(response)).toBe('invalid');
    }
  });

  it('takes the median as the middle value, or the mean of the two middle ones', () => {
    expect(median([3])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([40, 10, 30, 20])).toBe(25);
  });
});
