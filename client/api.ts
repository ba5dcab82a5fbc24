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

/** The API's error shape, or a generic message for anything else. */
async function failure(path: string, response: Response): Promise<ApiRequestError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const code = body?.error?.code ?? 'bad_response';
  const message = body?.error?.message ?? `${path} answered ${response.status}`;
  return new ApiRequestError(response.status, code, message);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiRequestError(0, 'network', `Could not reach ${path}: ${String(err)}`);
  }
  if (!response.ok) throw await failure(path, response);
  return response;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', accept: 'application/json' },
});

/** A shared checkpoint as GET /api/checkpoints/:id describes it. */
export interface CheckpointInfo {
  id: string;
  name: string;
  model: string;
  config: { vocabSize: number; contextLength: number; layers: number; heads: number; channels: number };
  parentId: string | null;
  runId: string | null;
  size: number;
  sha256: string;
  step: number;
  trainLoss: number | null;
  valLoss: number | null;
  dataset: string;
  tokenizer: string;
  createdAt: number;
  fileUrl: string;
  onnxUrl: string;
}

export interface CreatedCheckpoint {
  id: string;
  url: string;
  deleteToken: string;
  sha256: string;
  size: number;
}

/** POST /api/checkpoints: uploads a safetensors file; `run` links it to a run's metrics. */
export async function uploadCheckpoint(
  bytes: Uint8Array<ArrayBuffer>,
  options: { name?: string; parent?: string; run?: string } = {},
): Promise<CreatedCheckpoint> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) if (value) query.set(key, value);
  const path = `/api/checkpoints${query.size ? `?${query}` : ''}`;
  const response = await send(path, {
    method: 'POST',
    body: bytes,
    headers: { 'content-type': 'application/octet-stream', accept: 'application/json' },
  });
  return (await response.json()) as CreatedCheckpoint;
}

export async function getCheckpoint(id: string): Promise<CheckpointInfo> {
  return (await (await send(`/api/checkpoints/${encodeURIComponent(id)}`, {})).json()) as CheckpointInfo;
}

/** Newest shared checkpoints, or the forks of `parent`. */
export async function listCheckpoints(options: { parent?: string; limit?: number } = {}): Promise<CheckpointInfo[]> {
  const query = new URLSearchParams();
  if (options.parent) query.set('parent', options.parent);
  if (options.limit) query.set('limit', String(options.limit));
  const response = await send(`/api/checkpoints${query.size ? `?${query}` : ''}`, {});
  return ((await response.json()) as { checkpoints: CheckpointInfo[] }).checkpoints;
}

/** The checkpoint file's bytes (for sampling in this browser, or fine-tuning). */
export async function getCheckpointFile(id: string): Promise<Uint8Array> {
  const response = await send(`/api/checkpoints/${encodeURIComponent(id)}/file`, {});
  return new Uint8Array(await response.arrayBuffer());
}

export interface NewRun {
  model: 'gpt';
  preset: string;
  dataset: string;
  config: Record<string, unknown>;
  adapter: { vendor?: string; architecture?: string; device?: string; description?: string };
}

/** POST /api/runs: a run to stream metrics into; keep the write token. */
export async function createRun(run: NewRun): Promise<{ id: string; writeToken: string }> {
  return (await (await send('/api/runs', json(run))).json()) as { id: string; writeToken: string };
}

export interface MetricPoint {
  step: number;
  train_loss?: number | null;
  val_loss?: number | null;
  tokens_per_s?: number | null;
  lr?: number | null;
  time?: number | null;
}

/**
 * POST /api/runs/:id/metrics: one batch with its sequence number. Sending the
 * same seq again is harmless (the server stores a batch once), so callers retry freely.
 */
export async function postMetrics(
  run: { id: string; writeToken: string },
  seq: number,
  points: MetricPoint[],
): Promise<{ stored: number; duplicate: boolean }> {
  const init = json({ seq, points });
  (init.headers as Record<string, string>).authorization = `Bearer ${run.writeToken}`;
  return (await (await send(`/api/runs/${encodeURIComponent(run.id)}/metrics`, init)).json()) as {
    stored: number;
    duplicate: boolean;
  };
}

/** A run's metric series, at most maxPoints (downsampled by the server). */
export async function getRunMetrics(
  runId: string,
  maxPoints = 500,
): Promise<{ runId: string; total: number; points: Required<MetricPoint>[] }> {
  const response = await send(`/api/runs/${encodeURIComponent(runId)}/metrics?max_points=${maxPoints}`, {});
  return (await response.json()) as { runId: string; total: number; points: Required<MetricPoint>[] };
}

export interface Leaderboard {
  dataset: string | null;
  bestValLoss: { dataset: string; preset: string; runId: string; valLoss: number; step: number }[];
  throughput: { adapterName: string; runs: number; medianTokensPerS: number }[];
}

export async function getLeaderboard(dataset?: string): Promise<Leaderboard> {
  const query = dataset ? `?dataset=${encodeURIComponent(dataset)}` : '';
  return (await (await send(`/api/leaderboard${query}`, {})).json()) as Leaderboard;
}

export interface EdgeCompletion {
  text: string;
  tokens: number[];
  finish: 'newline' | 'length';
}

/** POST /complete, streamed: `onText` gets each piece as the edge generates it. */
export async function completeAtEdge(
  request: {
    checkpoint: string;
    prompt: string;
    max_tokens: number;
    temperature: number;
    top_k: number;
    seed: number;
    stop_at_newline?: boolean;
  },
  onText?: (text: string) => void,
): Promise<EdgeCompletion> {
  const response = await send('/complete', json({ ...request, stream: true }));
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      if (event === 'token') onText?.((JSON.parse(data) as { text: string }).text);
      else if (event === 'done') return JSON.parse(data) as EdgeCompletion;
      else if (event === 'error') {
        const { error } = JSON.parse(data) as { error: { code: string; message: string } };
        throw new ApiRequestError(500, error.code, error.message);
      }
    }
  }
  throw new ApiRequestError(0, 'bad_response', '/complete ended its stream without a result');
}
