import { eq } from 'drizzle-orm';
import type { Bindings } from '../bindings';
import { type NewRunRow, type RunRow, runs } from '../db/schema';
import { database } from './database';
import { randomId } from './ids';

export type NewRun = Omit<NewRunRow, 'id' | 'createdAt'>;

/** Inserts a run with a fresh random id and returns the stored row. */
export async function createRun(env: Pick<Bindings, 'DB'>, run: NewRun): Promise<RunRow> {
  const [row] = await database(env)
    .insert(runs)
    .values({ ...run, id: randomId() })
    .returning();
  if (!row) throw new Error('D1 returned no row for the inserted run');
  return row;
}

/** The run with this id, or undefined. */
export async function getRun(env: Pick<Bindings, 'DB'>, id: string): Promise<RunRow | undefined> {
  return database(env).select().from(runs).where(eq(runs.id, id)).get();
}
