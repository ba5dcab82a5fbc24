import { eq } from 'drizzle-orm';
import type { Bindings } from '../bindings';
import { type NewRunRow, type RunRow, runs } from '../db/schema';
import { database } from './database';
import { hashToken, randomId, randomToken, sameDigest } from './ids';

export type NewRun = Omit<NewRunRow, 'id' | 'createdAt'>;

/** What a client says about its GPU (a subset of WebGPU's GPUAdapterInfo). */
export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/** A run as the API shows it: JSON columns parsed, the write token hash left out. */
export interface RunView {
  id: string;
  model: string;
  preset: string;
  dataset: string;
  config: Record<string, unknown>;
  adapter: AdapterInfo;
  adapterName: string;
  createdAt: number;
}

/** A run as a client registers it, before it has an id or a token. */
export interface RunRegistration {
  model: string;
  preset: string;
  dataset: string;
  config: Record<string, unknown>;
  adapter: AdapterInfo;
}

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

/**
 * Stores a new run with a fresh write token. Only the token's hash reaches D1;
 * the token itself is returned once, for the creator to send with its metrics.
 */
export async function registerRun(
  env: Pick<Bindings, 'DB'>,
  run: RunRegistration,
): Promise<{ run: RunView; writeToken: string }> {
  const writeToken = randomToken();
  const row = await createRun(env, {
    model: run.model,
    preset: run.preset,
    dataset: run.dataset,
    config: JSON.stringify(run.config),
    adapter: JSON.stringify(run.adapter),
    adapterName: adapterName(run.adapter),
    writeTokenHash: await hashToken(writeToken),
  });
  return { run: runView(row), writeToken };
}

/** Whether `token` is this run's write token (a run stored without a token hash accepts none). */
export async function isWriteToken(run: RunRow, token: string): Promise<boolean> {
  return run.writeTokenHash !== '' && sameDigest(await hashToken(token), run.writeTokenHash);
}

/** "vendor · architecture · device" of the parts that are present: the leaderboard's adapter key. */
export function adapterName(adapter: AdapterInfo): string {
  const parts = [adapter.vendor, adapter.architecture, adapter.device]
    .map((part) => part?.trim() ?? '')
    .filter((part) => part !== '');
  return parts.length > 0 ? parts.join(' · ') : 'unknown adapter';
}

/** The API view of a stored row (never the token hash). */
export function runView(row: RunRow): RunView {
  return {
    id: row.id,
    model: row.model,
    preset: row.preset,
    dataset: row.dataset,
    config: parseObject(row.config),
    adapter: parseObject(row.adapter) as AdapterInfo,
    adapterName: row.adapterName,
    createdAt: row.createdAt,
  };
}

/** A JSON column as an object; rows written before validation existed may hold anything. */
function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
