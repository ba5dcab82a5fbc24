import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../bindings';
import { maxCheckpointBytes, readBinaryBody } from '../checkpoints/body';
import { takeCheckpoint } from '../checkpoints/intake';
import { ApiError } from '../errors';
import { createUpload, deleteUpload, readUpload, resumeUpload } from '../storage/checkpoints';
import { ID_PATTERN, randomId } from '../storage/ids';
import { jsonBody, parseWith, pathId } from '../validate';

/**
 * /api/checkpoints/uploads: multipart upload for clients that cannot send one
 * body with a known length. create -> PUT parts (each with a Content-Length)
 * -> complete (the assembled file is validated like a direct upload, then
 * stored under its hash; the staged object is always removed) or abort.
 */

const uploadQuery = z.object({ uploadId: z.string().min(1).max(1024) });
const completeQuery = uploadQuery.extend({
  name: z.string().max(100).optional(),
  parent: z.string().regex(ID_PATTERN, 'must be a checkpoint id').optional(),
  run: z.string().regex(ID_PATTERN, 'must be a run id').optional(),
});
const completeBody = z.object({
  parts: z
    .array(z.object({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) }))
    .min(1)
    .max(10_000),
});

/** Suggested part size; R2 wants every part but the last to be at least 5 MiB. */
const PART_BYTES = 8 * 1024 * 1024;

export const uploads = new Hono<AppEnv>()
  .post('/', async (c) => {
    const upload = await createUpload(c.env, randomId());
    const name = upload.key.slice('uploads/'.length);
    return c.json(
      { upload: name, uploadId: upload.uploadId, partBytes: PART_BYTES, maxBytes: maxCheckpointBytes(c.env) },
      201,
    );
  })
  .put('/:upload/parts/:part', async (c) => {
    const name = pathId(c, 'upload');
    const { uploadId } = parseWith(uploadQuery, c.req.query(), 'query');
    const partNumber = parseWith(z.coerce.number().int().min(1).max(10_000), c.req.param('part'), 'part');
    const bytes = await readBinaryBody(c, maxCheckpointBytes(c.env));
    const part = await r2(() => resumeUpload(c.env, name, uploadId).uploadPart(partNumber, bytes));
    return c.json({ partNumber: part.partNumber, etag: part.etag });
  })
  .post('/:upload/complete', async (c) => {
    const name = pathId(c, 'upload');
    const { uploadId, ...options } = parseWith(completeQuery, c.req.query(), 'query');
    const { parts } = await jsonBody(c, completeBody);
    await r2(() => resumeUpload(c.env, name, uploadId).complete(parts));
    try {
      const limit = maxCheckpointBytes(c.env);
      const bytes = await readUpload(c.env, name, limit);
      if (bytes === null) throw new ApiError(413, 'too_large', `The assembled file is over the ${limit}-byte limit`);
      return c.json(await takeCheckpoint(c.env, bytes, options, new URL(c.req.url).origin), 201);
    } finally {
      await deleteUpload(c.env, name);
    }
  })
  .delete('/:upload', async (c) => {
    const name = pathId(c, 'upload');
    const { uploadId } = parseWith(uploadQuery, c.req.query(), 'query');
    await r2(() => resumeUpload(c.env, name, uploadId).abort());
    return c.body(null, 204);
  });

/** R2's multipart errors (unknown upload, missing parts, small parts) as 404/422 with R2's reason. */
async function r2<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/does not exist|not found|NoSuchUpload/i.test(message)) {
      throw new ApiError(404, 'unknown_upload', `No such upload in progress: ${message}`);
    }
    throw new ApiError(422, 'upload_failed', `The upload was refused: ${message}`);
  }
}
