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
