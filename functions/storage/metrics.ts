import { and, asc, eq, isNotNull, or, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { Bindings } from '../bindings';
import { metricBatches, metricPoints } from '../db/schema';
import { database } from './database';

/** One training step's numbers as the API carries them; null (or absent) = not measured. */
export interface MetricPoint {
  step: number;
  train_loss: number | null;
  val_loss: number | null;
  tokens_per_s: number | null;
  lr: number | null;
  time: number | null;
}

export interface BatchResult {
  /** Points written (0 for a duplicate). */
  stored: number;
  /** The (run, seq) batch was already stored: nothing was written. */
  duplicate: boolean;
}

/** D1 binds at most 100 parameters per statement; a points row binds one per column. */
export const D1_MAX_BOUND_PARAMETERS = 100;
const POINT_COLUMNS = 7;
export const POINTS_PER_INSERT = Math.floor(D1_MAX_BOUND_PARAMETERS / POINT_COLUMNS);

/**
 * Stores metric batch `seq` of a run once. A retry of a batch already stored
 * is answered as a duplicate without touching the points.
 */
export async function storeMetricBatch(
  env: Pick<Bindings, 'DB'>,
  runId: string,
  seq: number,
  points: readonly MetricPoint[],
): Promise<BatchResult> {
  const seen = await database(env)
    .select({ seq: metricBatches.seq })
    .from(metricBatches)
    .where(and(eq(metricBatches.runId, runId), eq(metricBatches.seq, seq)))
    .get();
  if (seen) return { stored: 0, duplicate: true };
  return insertMetricBatch(env, runId, seq, points);
}

/**
 * Writes the batch row and its points in one D1 batch (one transaction). When
 * the batch row already exists (a racing retry got there first) its primary key
 * conflict rolls the whole batch back, and the answer is `duplicate`.
 *
 * Points upsert by (run, step): a later point for a step sets the measurements
 * it carries and keeps the earlier values of those it leaves null.
 */
export async function insertMetricBatch(
  env: Pick<Bindings, 'DB'>,
  runId: string,
  seq: number,
  points: readonly MetricPoint[],
): Promise<BatchResult> {
  const db = database(env);
  const rows = points.map((p) => ({
    runId,
    step: p.step,
    trainLoss: p.train_loss,
    valLoss: p.val_loss,
    tokensPerS: p.tokens_per_s,
    lr: p.lr,
    time: p.time,
  }));
  const inserts = chunks(rows, POINTS_PER_INSERT).map((chunk) =>
    db
      .insert(metricPoints)
      .values(chunk)
      .onConflictDoUpdate({
        target: [metricPoints.runId, metricPoints.step],
        set: {
          trainLoss: sql`coalesce(excluded.train_loss, ${metricPoints.trainLoss})`,
          valLoss: sql`coalesce(excluded.val_loss, ${metricPoints.valLoss})`,
          tokensPerS: sql`coalesce(excluded.tokens_per_s, ${metricPoints.tokensPerS})`,
          lr: sql`coalesce(excluded.lr, ${metricPoints.lr})`,
          time: sql`coalesce(excluded.time, ${metricPoints.time})`,
        },
      }),
  );
  try {
    await db.batch([db.insert(metricBatches).values({ runId, seq, points: points.length }), ...inserts]);
  } catch (err) {
    if (isBatchConflict(err)) return { stored: 0, duplicate: true };
    throw err;
  }
  return { stored: points.length, duplicate: false };
}

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** SQLite's message for a second (run_id, seq) row, possibly wrapped by drizzle or D1. */
function isBatchConflict(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (/UNIQUE constraint failed: metric_batches\./.test(e.message)) return true;
  }
  return false;
}

export interface MetricSeries {
  /** Points the run has in D1. */
  total: number;
  /** At most `maxPoints` of them, in step order. */
  points: MetricPoint[];
}

/**
 * A run's points, downsampled in SQL to at most `maxPoints` (>= 2) rows:
 * - total <= maxPoints: every point.
 * - else, when the points with a val_loss (V of them) fit with two to spare
 *   (V + 2 <= maxPoints): all V, plus maxPoints - V of the others evenly
 *   spaced by index among the others, their first and last included (so the
 *   run's first and last points are always there).
 * - else: maxPoints points evenly spaced by index over all points, first and last included.
 * "Evenly spaced", m of n rows (2 <= m < n): the indices ceil(j * (n - 1) / (m - 1))
 * for j = 0 .. m - 1, which SQL finds as the i with (i * (m - 1)) % (n - 1) < m - 1;
 * exactly m rows, i = 0 and i = n - 1 among them.
 * One statement, so the counts and the rows come from the same snapshot.
 */
export async function readMetricSeries(
  env: Pick<Bindings, 'DB'>,
  runId: string,
  maxPoints: number,
): Promise<MetricSeries> {
  const db = database(env);
  const p = metricPoints;
  const ranked = db.$with('ranked').as(
    db
      .select({
        step: p.step,
        trainLoss: p.trainLoss,
        valLoss: p.valLoss,
        tokensPerS: p.tokensPerS,
        lr: p.lr,
        time: p.time,
        idx: sql<number>`row_number() over (order by ${p.step}) - 1`.as('idx'),
        // Index among the points with (or among those without) a val_loss.
        subIdx: sql<number>`row_number() over (partition by ${p.valLoss} is null order by ${p.step}) - 1`.as('sub_idx'),
        total: sql<number>`count(*) over ()`.as('total'),
        vals: sql<number>`count(${p.valLoss}) over ()`.as('vals'),
      })
      .from(p)
      .where(eq(p.runId, runId)),
  );
  const { total, vals } = ranked;
  const max = maxPoints;
  const rows = await db
    .with(ranked)
    .select()
    .from(ranked)
    .where(
      or(
        sql`${total} <= ${max}`,
        and(
          sql`${vals} + 2 <= ${max}`,
          or(isNotNull(ranked.valLoss), evenlySpaced(ranked.subIdx, sql`${max} - ${vals}`, sql`${total} - ${vals}`)),
        ),
        and(sql`${vals} + 2 > ${max}`, evenlySpaced(ranked.idx, sql`${max}`, total)),
      ),
    )
    .orderBy(asc(ranked.step));
  return {
    total: rows[0]?.total ?? 0,
    points: rows.map((r) => ({
      step: r.step,
      train_loss: r.trainLoss,
      val_loss: r.valLoss,
      tokens_per_s: r.tokensPerS,
      lr: r.lr,
      time: r.time,
    })),
  };
}

/** Whether row `i` of `n` is one of `m` evenly spaced picks (2 <= m < n; see readMetricSeries). */
function evenlySpaced(i: SQLWrapper, m: SQLWrapper, n: SQLWrapper): SQL {
  return sql`(${i} * (${m} - 1)) % (${n} - 1) < ${m} - 1`;
}
