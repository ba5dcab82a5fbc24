import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../bindings';
import { bestValLosses, throughputByAdapter } from '../storage/leaderboard';
import { parseWith } from '../validate';

const leaderboardQuerySchema = z.object({ dataset: z.string().trim().min(1).max(200).optional() });

/**
 * GET /api/leaderboard?dataset=...: the best val loss per (dataset, preset) and
 * the median throughput per GPU adapter, for one dataset or (without the
 * parameter, dataset null) for all of them.
 */
export const leaderboard = new Hono<AppEnv>().get('/', async (c) => {
  const { dataset } = parseWith(leaderboardQuerySchema, c.req.query(), 'query');
  const [bestValLoss, throughput] = await Promise.all([
    bestValLosses(c.env, dataset),
    throughputByAdapter(c.env, dataset),
  ]);
  return c.json({ dataset: dataset ?? null, bestValLoss, throughput });
});
