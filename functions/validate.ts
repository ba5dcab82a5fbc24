import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors';
import { ID_PATTERN } from './storage/ids';

/** Largest JSON request body any route takes (metrics batches are the biggest). */
export const MAX_JSON_BYTES = 1 << 20;

/**
 * The request's JSON body checked against `schema`: 413 when over `maxBytes`,
 * 415 when not JSON, 400 when it does not parse, 422 naming the first bad field.
 */
export async function jsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes = MAX_JSON_BYTES,
): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json');
  }
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw new ApiError(413, 'too_large', `The body is over ${maxBytes} bytes`);
  const text = await c.req.text();
  if (new TextEncoder().encode(text).length > maxBytes) {
    throw new ApiError(413, 'too_large', `The body is over ${maxBytes} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'bad_json', `The body is not valid JSON: ${(err as Error).message}`);
  }
  return parseWith(schema, json, 'body');
}

/** `value` checked against `schema`, or a 422 naming the first bad field (`where`: body, query, ...). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where;
  throw new ApiError(422, 'invalid', `${path}: ${issue?.message ?? 'is invalid'}`);
}

/** A path id made by randomId, or a 404 (ids with '../', SQL or anything else name nothing). */
export function pathId(c: Context, name = 'id'): string {
  const id = c.req.param(name) ?? '';
  if (!ID_PATTERN.test(id)) throw new ApiError(404, 'not_found', `No such id: ${JSON.stringify(id.slice(0, 64))}`);
  return id;
}

/** The bearer token of an Authorization header, or a 401. */
export function bearerToken(c: Context): string {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (!match?.[1]) throw new ApiError(401, 'unauthorized', 'Send Authorization: Bearer <token>');
  return match[1];
}
