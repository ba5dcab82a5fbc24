import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../bindings';
import { maxCheckpointBytes, parseRange, readBinaryBody } from '../checkpoints/body';
import { publicCheckpoint, takeCheckpoint } from '../checkpoints/intake';
import { onnxExport } from '../checkpoints/onnx-export';
import type { CheckpointRow } from '../db/schema';
import { ApiError } from '../errors';
import { deleteCheckpoint, getCheckpoint, getCheckpointFile, listCheckpoints } from '../storage/checkpoints';
import { hashToken, ID_PATTERN, sameDigest } from '../storage/ids';
import { bearerToken, parseWith, pathId } from '../validate';
import { uploads } from './checkpoint-uploads';

const id = z.string().regex(ID_PATTERN, 'must be a checkpoint id');
const intakeQuery = z.object({
  name: z.string().max(100).optional(),
  parent: id.optional(),
  run: z.string().regex(ID_PATTERN, 'must be a run id').optional(),
});
const listQuery = z.object({
  parent: id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Files never change under an id: a year of caching, revalidated by the content hash. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** /api/checkpoints: upload (one body or multipart), metadata, file, ONNX export, delete, forks. */
export const checkpointRoutes = new Hono<AppEnv>()
  .route('/uploads', uploads)
  .post('/', async (c) => {
    const options = parseWith(intakeQuery, c.req.query(), 'query');
    const bytes = await readBinaryBody(c, maxCheckpointBytes(c.env));
    return c.json(await takeCheckpoint(c.env, bytes, options, new URL(c.req.url).origin), 201);
  })
  .get('/', async (c) => {
    const { parent, limit } = parseWith(listQuery, c.req.query(), 'query');
    const rows = await listCheckpoints(c.env, { parent, limit });
    const origin = new URL(c.req.url).origin;
    return c.json({ checkpoints: rows.map((row) => publicCheckpoint(row, origin)) });
  })
  .get('/:id', async (c) => c.json(publicCheckpoint(await existing(c.env, pathId(c)), new URL(c.req.url).origin)))
  .get('/:id/file', async (c) => {
    const row = await existing(c.env, pathId(c));
    const etag = `"${row.sha256}"`;
    const headers = new Headers({
      etag,
      'cache-control': IMMUTABLE,
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${fileName(row)}.safetensors"`,
    });
    if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
    const range =
      c.req.header('if-range') && c.req.header('if-range') !== etag
        ? null
        : parseRange(c.req.header('range'), row.size);
    if (range === 'unsatisfiable') {
      headers.set('content-range', `bytes */${row.size}`);
      return c.json(
        { error: { code: 'bad_range', message: `The file has ${row.size} bytes` } },
        416,
        Object.fromEntries(headers),
      );
    }
    const object = await getCheckpointFile(c.env, row.sha256, range ?? undefined);
    if (!object) throw new ApiError(404, 'not_found', 'The checkpoint file is missing from storage');
    if (range) {
      headers.set('content-range', `bytes ${range.offset}-${range.offset + range.length - 1}/${row.size}`);
      headers.set('content-length', String(range.length));
      return new Response(object.body, { status: 206, headers });
    }
    headers.set('content-length', String(row.size));
    return new Response(object.body, { status: 200, headers });
  })
  .get('/:id/model.onnx', async (c) => {
    const row = await existing(c.env, pathId(c));
    const onnx = await onnxExport(c.env, row);
    return new Response(onnx, {
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${fileName(row)}.onnx"`,
        'cache-control': IMMUTABLE,
        etag: `"onnx-${row.sha256}"`,
      },
    });
  })
  .delete('/:id', async (c) => {
    const checkpointId = pathId(c);
    const token = bearerToken(c);
    const row = await existing(c.env, checkpointId);
    if (!sameDigest(await hashToken(token), row.deleteTokenHash)) {
      throw new ApiError(403, 'forbidden', 'That token does not delete this checkpoint');
    }
    await deleteCheckpoint(c.env, row);
    return c.body(null, 204);
  });

async function existing(env: AppEnv['Bindings'], checkpointId: string): Promise<CheckpointRow> {
  const row = await getCheckpoint(env, checkpointId);
  if (!row) throw new ApiError(404, 'not_found', `No checkpoint ${checkpointId}`);
  return row;
}

/** A download name made only of safe characters. */
function fileName(row: CheckpointRow): string {
  return (
    row.name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || row.id
  );
}
