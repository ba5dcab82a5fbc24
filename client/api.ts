/** The one client module that calls fetch: typed calls to the Worker's API. */

export interface Health {
  ok: boolean;
  version: string;
  d1: boolean;
  r2: boolean;
  errors?: string[];
}

/** Thrown when the API answers with its error shape or not at all. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' } });
  } catch (err) {
    throw new ApiRequestError(0, 'network', `Could not reach ${path}: ${String(err)}`);
  }
  const body = (await response.json().catch(() => null)) as T | null;
  if (body === null) {
    throw new ApiRequestError(response.status, 'bad_response', `${path} answered ${response.status} without JSON`);
  }
  return { status: response.status, body };
}

/** GET /api/health: 200 when D1 and R2 work, 503 (same shape) when not. */
export async function getHealth(): Promise<Health> {
  return (await getJson<Health>('/api/health')).body;
}

/** The bytes at `url` (a file the site itself serves, e.g. a bundled corpus). */
export async function getBytes(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new ApiRequestError(0, 'network', `Could not download ${url}: ${String(err)}`);
  }
  if (!response.ok) {
    throw new ApiRequestError(response.status, 'bad_response', `${url} answered ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
