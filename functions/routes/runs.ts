import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../bindings';
import type { RunRow } from '../db/schema';
import { ApiError } from '../errors';
import { readMetricSeries, storeMetricBatch } from '../storage/metrics';
import { getRun, isWriteToken, registerRun, runView } from '../storage/runs';
import { bearerToken, jsonBody, parseWith, pathId } from '../validate';

/** Largest serialised `config` a run may carry. */
export const MAX_CONFIG_BYTES = 16 * 1024;
/** Most points one metrics batch may carry. */
// 500 points are 36 insert statements: within D1's 50 queries per request on the free plan.
export const MAX_POINTS_PER_BATCH = 500;

const adapterField = z.string().max(200).optional();

const newRunSchema = z.object({
  model: z.literal('gpt'),
  preset: z.string().trim().min(1).max(64),
  dataset: z.string().trim().min(1).max(200),
  config: z
    .record(z.string(), z.unknown())
    .refine((config) => new TextEncoder().encode(JSON.stringify(config)).length <= MAX_CONFIG_BYTES, {
      message: `must be at most ${MAX_CONFIG_BYTES} bytes as JSON`,
    }),
  // Unknown adapter fields (GPUAdapterInfo has more) are dropped, not rejected.
  adapter: z.object({
    vendor: adapterField,
    architecture: adapterField,
    device: adapterField,
    description: adapterField,
  }),
});

/** A measurement: a finite number, or null / absent when it was not measured. */
const measurement = z
  .number()
  .nullish()
  .transform((v) => v ?? null);

const metricBatchSchema = z.object({
  seq: z.number().int().min(0),
  points: z
    .array(
      z.object({
        step: z.number().int().min(0),
        train_loss: measurement,
        val_loss: measurement,
        tokens_per_s: z
          .number()
          .min(0)
          .nullish()
          .transform((v) => v ?? null),
        lr: measurement,
        // Unix epoch milliseconds, as Date.now() gives them.
        time: z
          .number()
          .int()
          .min(0)
          .nullish()
          .transform((v) => v ?? null),
      }),
    )
    .min(1)
    .max(MAX_POINTS_PER_BATCH),
});

const metricsQuerySchema = z.object({
  max_points: z
    .string()
    .regex(/^\d{1,6}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(2).max(5000))
    .default(500),
});

/** The run named by the path, or a 404. */
async function pathRun(c: Context<AppEnv>): Promise<RunRow> {
  const id = pathId(c);
  const run = await getRun(c.env, id);
  if (!run) throw new ApiError(404, 'not_found', `No run ${id}`);
  return run;
}

/**
 * /api/runs: register a training run (201 {id, writeToken}), read it back, and
 * append its metrics with the write token.
 */
export const runs = new Hono<AppEnv>()
  .post('/', async (c) => {
    // A run body is its config plus a few short strings: 4x the config limit is plenty.
    const body = await jsonBody(c, newRunSchema, 4 * MAX_CONFIG_BYTES);
    const { run, writeToken } = await registerRun(c.env, body);
    return c.json({ id: run.id, writeToken }, 201);
  })
  .get('/:id', async (c) => c.json(runView(await pathRun(c))))
  .post('/:id/metrics', async (c) => {
    const id = pathId(c);
    const token = bearerToken(c);
    const run = await pathRun(c);
    if (!(await isWriteToken(run, token))) throw new ApiError(403, 'forbidden', `Not the write token of run ${id}`);
    const { seq, points } = await jsonBody(c, metricBatchSchema);
    const result = await storeMetricBatch(c.env, run.id, seq, points);
    return c.json(result, result.duplicate ? 200 : 201);
  })
  .get('/:id/metrics', async (c) => {
    const run = await pathRun(c);
    const { max_points } = parseWith(metricsQuerySchema, c.req.query(), 'query');
    const series = await readMetricSeries(c.env, run.id, max_points);
    return c.json({ runId: run.id, total: series.total, points: series.points });
  });
