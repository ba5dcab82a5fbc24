import { and, asc, count, desc, eq, ne } from 'drizzle-orm';
import type { Bindings } from '../bindings';
import { type CheckpointRow, checkpoints, type NewCheckpointRow } from '../db/schema';
import { database } from './database';

/**
 * Checkpoints: bytes in R2 under `sha256/<hex>` (content addressed: the same
 * file uploaded twice is one object), one D1 row per upload. The R2 object is
 * written before the row, so a row never points at missing bytes; an object
 * whose row failed to insert is harmless and is reused by the next upload.
 */

type Env = Pick<Bindings, 'DB' | 'CHECKPOINTS'>;

export const fileKey = (sha256: string) => `sha256/${sha256}`;
export const onnxKey = (sha256: string) => `onnx/${sha256}.onnx`;
/** Staging area of multipart uploads; objects there are never served. */
export const uploadKey = (name: string) => `uploads/${name}`;

/** Stores the file's bytes under their hash unless they are already there (R2 checks the hash too). */
export async function putCheckpointFile(env: Env, sha256: string, bytes: Uint8Array): Promise<void> {
  const key = fileKey(sha256);
  if (await env.CHECKPOINTS.head(key)) return;
  await env.CHECKPOINTS.put(key, bytes, {
    sha256,
    httpMetadata: { contentType: 'application/octet-stream' },
  });
}

export async function insertCheckpoint(env: Env, row: NewCheckpointRow): Promise<CheckpointRow> {
  const [stored] = await database(env).insert(checkpoints).values(row).returning();
  if (!stored) throw new Error('D1 returned no row for the inserted checkpoint');
  return stored;
}

export async function getCheckpoint(env: Env, id: string): Promise<CheckpointRow | undefined> {
  return database(env).select().from(checkpoints).where(eq(checkpoints.id, id)).get();
}

/** The first checkpoint uploaded with these bytes: how a file's `sha256:` parent becomes an id. */
export async function findCheckpointBySha256(env: Env, sha256: string): Promise<CheckpointRow | undefined> {
  return database(env)
    .select()
    .from(checkpoints)
    .where(eq(checkpoints.sha256, sha256))
    .orderBy(asc(checkpoints.createdAt))
    .limit(1)
    .get();
}

/** Newest first; `parent` narrows to the forks of one checkpoint. */
export async function listCheckpoints(
  env: Env,
  options: { parent?: string | undefined; limit: number },
): Promise<CheckpointRow[]> {
  const query = database(env).select().from(checkpoints);
  const filtered = options.parent ? query.where(eq(checkpoints.parentId, options.parent)) : query;
  return filtered.orderBy(desc(checkpoints.createdAt), asc(checkpoints.id)).limit(options.limit).all();
}

/**
 * Deletes the row, then the bytes and the ONNX export when no other row
 * shares them. Forks keep their parent id (their page says it is gone).
 */
export async function deleteCheckpoint(env: Env, row: CheckpointRow): Promise<void> {
  const db = database(env);
  await db.delete(checkpoints).where(eq(checkpoints.id, row.id));
  const others = await db
    .select({ n: count() })
    .from(checkpoints)
    .where(and(eq(checkpoints.sha256, row.sha256), ne(checkpoints.id, row.id)))
    .get();
  if ((others?.n ?? 0) === 0) await env.CHECKPOINTS.delete([fileKey(row.sha256), onnxKey(row.sha256)]);
}

/** The stored file, or one byte range of it; null if missing. */
export async function getCheckpointFile(
  env: Env,
  sha256: string,
  range?: { offset: number; length: number },
): Promise<R2ObjectBody | null> {
  return env.CHECKPOINTS.get(fileKey(sha256), range ? { range } : {});
}

/** The whole file's bytes (for an ONNX export), or null if missing. */
export async function readCheckpointBytes(env: Env, sha256: string): Promise<Uint8Array | null> {
  const object = await env.CHECKPOINTS.get(fileKey(sha256));
  return object ? new Uint8Array(await object.arrayBuffer()) : null;
}

export async function getOnnxExport(env: Env, sha256: string): Promise<R2ObjectBody | null> {
  return env.CHECKPOINTS.get(onnxKey(sha256));
}

export async function putOnnxExport(env: Env, sha256: string, bytes: Uint8Array): Promise<void> {
  await env.CHECKPOINTS.put(onnxKey(sha256), bytes, { httpMetadata: { contentType: 'application/octet-stream' } });
}

// Multipart uploads, for clients that cannot send one body with a known length.

export async function createUpload(env: Env, name: string): Promise<R2MultipartUpload> {
  return env.CHECKPOINTS.createMultipartUpload(uploadKey(name));
}

export function resumeUpload(env: Env, name: string, uploadId: string): R2MultipartUpload {
  return env.CHECKPOINTS.resumeMultipartUpload(uploadKey(name), uploadId);
}

/** The assembled upload's bytes, or null when it is bigger than `maxBytes` (it is then deleted). */
export async function readUpload(env: Env, name: string, maxBytes: number): Promise<Uint8Array | null> {
  const object = await env.CHECKPOINTS.get(uploadKey(name));
  if (!object) return new Uint8Array(0);
  if (object.size > maxBytes) {
    await object.body.cancel();
    await env.CHECKPOINTS.delete(uploadKey(name));
    return null;
  }
  return new Uint8Array(await object.arrayBuffer());
}

export async function deleteUpload(env: Env, name: string): Promise<void> {
  await env.CHECKPOINTS.delete(uploadKey(name));
}
