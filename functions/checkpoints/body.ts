import type { Context } from 'hono';
import { ApiError } from '../errors';

/** The upload size limit: MAX_CHECKPOINT_BYTES from wrangler.toml's [vars], 64 MiB when unset. */
export function maxCheckpointBytes(env: { MAX_CHECKPOINT_BYTES?: string }): number {
  const value = Number(env.MAX_CHECKPOINT_BYTES);
  return Number.isSafeInteger(value) && value > 0 ? value : 64 * 1024 * 1024;
}

/**
 * The request's binary body, at most `maxBytes`: 415 unless octet-stream,
 * 411 without a Content-Length (chunked clients use the multipart upload),
 * 413 when declared or sent bytes exceed the limit, 400 when the body is
 * shorter or longer than declared. The limit is checked before anything is read.
 */
export async function readBinaryBody(c: Context, maxBytes: number): Promise<Uint8Array> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/octet-stream\b/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the file as application/octet-stream');
  }
  const header = c.req.header('content-length');
  if (header === undefined) {
    throw new ApiError(411, 'length_required', 'Content-Length is required (use the multipart upload without one)');
  }
  const length = Number(header);
  if (!/^\d+$/.test(header) || !Number.isSafeInteger(length)) {
    throw new ApiError(400, 'bad_length', `Content-Length ${JSON.stringify(header)} is not a byte count`);
  }
  if (length > maxBytes) {
    throw new ApiError(413, 'too_large', `The file is ${length} bytes; the limit is ${maxBytes}`);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  const reader = c.req.raw.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > length) {
      await reader.cancel();
      throw new ApiError(400, 'bad_length', `The body is longer than its Content-Length (${length})`);
    }
    bytes.set(value, at);
    at += value.length;
  }
  if (at !== length) throw new ApiError(400, 'bad_length', `The body ended after ${at} of ${length} bytes`);
  return bytes;
}

/** A single byte range of a `size`-byte file from a Range header; null for none, 'unsatisfiable' for 416. */
export function parseRange(
  header: string | undefined,
  size: number,
): { offset: number; length: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or another unit: RFC 9110 lets us answer with the whole file.
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Math.min(Number(match[2]), size);
    return suffix === 0 ? 'unsatisfiable' : { offset: size - suffix, length: suffix };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { offset: start, length: end - start + 1 };
}
