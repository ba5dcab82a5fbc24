import { drizzle } from 'drizzle-orm/d1';
import type { Bindings } from '../bindings';
import * as schema from '../db/schema';

/** A drizzle handle over the D1 binding. Only functions/storage uses it. */
export function database(env: Pick<Bindings, 'DB'>) {
  return drizzle(env.DB, { schema });
}
