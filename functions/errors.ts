import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error shape every API failure has. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Thrown by routes for an expected failure; onError turns it into ErrorBody. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** The app's single onError: expected failures keep their status, anything else is a logged 500. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message), err.status);
  if (err instanceof HTTPException) {
    return c.json(errorBody(`http_${err.status}`, err.message || 'Request failed'), err.status);
  }
  console.error('unhandled error', err);
  return c.json(errorBody('internal', 'Internal error; the server log has details'), 500);
}
