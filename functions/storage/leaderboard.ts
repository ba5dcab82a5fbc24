import { and, asc, eq, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { Bindings } from '../bindings';
import { metricPoints, runs } from '../db/schema';
import { database } from './database';

/** Most rows either table returns: one per (dataset, preset), one per adapter. */
export const LEADERBOARD_MAX_ROWS = 500;

export interface BestValLoss {
  dataset: string;
  preset: string;
  runId: string;
  valLoss: number;
  step: number;
}

export interface AdapterThroughput {
  adapterName: string;
  /** Runs with at least one tokens_per_s measurement. */
  runs: number;
  /** Median over those runs of each run's median tokens_per_s. */
  medianTokensPerS: number;
}

/**
 * The lowest val_loss of each (dataset, preset), with the run and step that
 * reached it; ties go to the earlier run (created_at has whole seconds, so
 * then insertion order: rowid), then the earlier step. Sorted by
 * dataset, then val loss. `dataset` undefined: every dataset.
 */
export async function bestValLosses(env: Pick<Bindings, 'DB'>, dataset?: string): Promise<BestValLoss[]> {
  const db = database(env);
  const ranked = db.$with('ranked').as(
    db
      .select({
        dataset: runs.dataset,
        preset: runs.preset,
        runId: metricPoints.runId,
        valLoss: sql<number>`${metricPoints.valLoss}`.as('val_loss'),
        step: metricPoints.step,
        rank: sql<number>`row_number() over (
          partition by ${runs.dataset}, ${runs.preset}
          order by ${metricPoints.valLoss}, ${runs.createdAt}, runs.rowid, ${metricPoints.step})`.as('rank'),
      })
      .from(metricPoints)
      .innerJoin(runs, eq(runs.id, metricPoints.runId))
      .where(and(isNotNull(metricPoints.valLoss), datasetIs(dataset))),
  );
  return db
    .with(ranked)
    .select({
      dataset: ranked.dataset,
      preset: ranked.preset,
      runId: ranked.runId,
      valLoss: ranked.valLoss,
      step: ranked.step,
    })
    .from(ranked)
    .where(eq(ranked.rank, 1))
    .orderBy(asc(ranked.dataset), asc(ranked.valLoss), asc(ranked.preset))
    .limit(LEADERBOARD_MAX_ROWS);
}

/**
 * Tokens per second by GPU adapter. SQL reduces each run to the median of its
 * tokens_per_s (one row per run); the median across an adapter's runs is taken
 * here. Sorted fastest first.
 */
export async function throughputByAdapter(env: Pick<Bindings, 'DB'>, dataset?: string): Promise<AdapterThroughput[]> {
  const runMedians = await perRunMedianTokensPerS(env, dataset);
  const byAdapter = new Map<string, number[]>();
  for (const { adapterName, median } of runMedians) {
    const list = byAdapter.get(adapterName) ?? [];
    list.push(median);
    byAdapter.set(adapterName, list);
  }
  return [...byAdapter]
    .map(([adapterName, medians]) => ({ adapterName, runs: medians.length, medianTokensPerS: median(medians) }))
    .sort((a, b) => b.medianTokensPerS - a.medianTokensPerS || a.adapterName.localeCompare(b.adapterName))
    .slice(0, LEADERBOARD_MAX_ROWS);
}

/**
 * One row per run that measured throughput: its adapter and the median of its
 * tokens_per_s (the middle value, or the mean of the two middle ones), computed
 * with window functions so that no point leaves D1.
 */
async function perRunMedianTokensPerS(
  env: Pick<Bindings, 'DB'>,
  dataset?: string,
): Promise<{ adapterName: string; median: number }[]> {
  const db = database(env);
  const ranked = db.$with('ranked').as(
    db
      .select({
        runId: metricPoints.runId,
        adapterName: sql<string>`coalesce(nullif(${runs.adapterName}, ''), 'unknown adapter')`.as('adapter'),
        value: sql<number>`${metricPoints.tokensPerS}`.as('value'),
        rank: sql<number>`row_number() over (partition by ${metricPoints.runId} order by ${metricPoints.tokensPerS})`.as(
          'rank',
        ),
        count: sql<number>`count(*) over (partition by ${metricPoints.runId})`.as('count'),
      })
      .from(metricPoints)
      .innerJoin(runs, eq(runs.id, metricPoints.runId))
      .where(and(isNotNull(metricPoints.tokensPerS), datasetIs(dataset))),
  );
  return (
    db
      .with(ranked)
      .select({ adapterName: sql<string>`max(${ranked.adapterName})`, median: sql<number>`avg(${ranked.value})` })
      .from(ranked)
      // Integer division: the middle rank for an odd count, the two middle ones for an even count.
      .where(sql`${ranked.rank} in ((${ranked.count} + 1) / 2, ${ranked.count} / 2 + 1)`)
      .groupBy(ranked.runId)
  );
}

function datasetIs(dataset: string | undefined): SQL | undefined {
  return dataset === undefined ? undefined : eq(runs.dataset, dataset);
}

/** The middle value of a non-empty list, or the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? Number.NaN) + hi) / 2;
}
