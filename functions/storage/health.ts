import { count } from 'drizzle-orm';
import type { Bindings } from '../bindings';
import { runs } from '../db/schema';
import { database } from './database';

export interface BindingHealth {
  ok: boolean;
  /** Why the check failed; absent when ok. */
  error?: string;
}

/** Queries a real table, so a database without migrations reports false. */
export async function checkD1(env: Pick<Bindings, 'DB'>): Promise<BindingHealth> {
  try {
    await database(env).select({ n: count() }).from(runs).get();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: `D1: ${describe(err)}` };
  }
}

/** Lists at most one object: a real round trip to the bucket, no writes. */
export async function checkR2(env: Pick<Bindings, 'CHECKPOINTS'>): Promise<BindingHealth> {
  try {
    await env.CHECKPOINTS.list({ limit: 1 });
    return { ok: true };
  } catch (err) {
    return { ok: false, error: `R2: ${describe(err)}` };
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // drizzle wraps the D1 error; its cause carries the SQLite message.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
