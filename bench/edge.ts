import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { writeGptCheckpoint } from '../client/checkpoint/gpt-checkpoint';
import { gptPreset } from '../client/model/gpt-config';
import { gptParamLayout, initGptParams } from '../client/model/gpt-params';
import { ByteTokenizer } from '../client/text/byte-tokenizer';
import { freePort, startDevServer } from '../scripts/dev-server';

/**
 * The edge API on `npm start`'s server (wrangler dev, local D1/R2, a fresh
 * state folder), measured from this machine over 127.0.0.1 only:
 *   edge_complete   latency of POST /complete generating 64 tokens (greedy), per preset;
 *   metrics_ingest  POST /api/runs/:id/metrics under a bounded autocannon load
 *                   (fixed connections and seconds), each batch a new seq.
 * Completions stay under the 60-a-minute rate limit (2 warm-up + N timed per preset).
 */

export interface EdgeBenchOptions {
  /** Timed /complete requests per preset (<= 25 keeps both presets under the rate limit). */
  requests: number;
  /** autocannon load for the metrics ingestion. */
  connections: number;
  seconds: number;
  pointsPerBatch: number;
  log: (line: string) => void;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;

async function upload(url: string, bytes: Uint8Array<ArrayBuffer>, name: string): Promise<string> {
  const response = await fetch(`${url}/api/checkpoints?name=${name}`, {
    method: 'POST',
    body: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (response.status !== 201) throw new Error(`upload ${name}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** An untrained `small` checkpoint: latency does not depend on what the weights learned. */
function smallCheckpoint(): Uint8Array<ArrayBuffer> {
  const config = gptPreset('small', 256);
  // writeGptCheckpoint allocates a fresh ArrayBuffer.
  return writeGptCheckpoint({
    config,
    tokenizer: new ByteTokenizer(),
    params: initGptParams(gptParamLayout(config), 1),
    step: 0,
    trainLoss: null,
    valLoss: null,
    data: { description: 'bench', hash: '0'.repeat(64), bytes: 0 },
    seed: 1,
    parent: null,
    kernelVersion: '1',
    optimizer: null,
    training: null,
  }) as Uint8Array<ArrayBuffer>;
}

async function completeLatency(url: string, checkpoint: string, preset: string, options: EdgeBenchOptions) {
  const body = JSON.stringify({ checkpoint, prompt: '\n', max_tokens: 64, temperature: 0 });
  const once = async () => {
    const start = performance.now();
    const response = await fetch(`${url}/complete`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    const result = (await response.json()) as { tokens?: number[] };
    if (response.status !== 200 || result.tokens?.length !== 64) {
      throw new Error(`/complete ${preset}: ${response.status} ${JSON.stringify(result)}`);
    }
    return performance.now() - start;
  };
  const first = await once(); // session creation (ONNX export + compile) on first use
  await once();
  const times: number[] = [];
  for (let i = 0; i < options.requests; i++) times.push(await once());
  times.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    bench: 'edge_complete',
    preset,
    new_tokens: 64,
    requests: options.requests,
    first_ms: round(first),
    p50_ms: round(percentile(times, 50)),
    p95_ms: round(percentile(times, 95)),
    tokens_per_s: Math.round((64 * 1000) / percentile(times, 50)),
  };
}

async function metricsIngestion(url: string, options: EdgeBenchOptions) {
  const created = await fetch(`${url}/api/runs`, {
    method: 'POST',
    body: JSON.stringify({ model: 'gpt', preset: 'tiny', dataset: 'bench', config: {}, adapter: { vendor: 'bench' } }),
    headers: { 'content-type': 'application/json' },
  });
  const run = (await created.json()) as { id: string; writeToken: string };
  let seq = 0;
  const result = await autocannon({
    url: `${url}/api/runs/${run.id}/metrics`,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${run.writeToken}` },
    requests: [
      {
        setupRequest: (request) => {
          const batch = seq++;
          const points = Array.from({ length: options.pointsPerBatch }, (_, i) => ({
            step: batch * options.pointsPerBatch + i,
            train_loss: 3 - i / 1000,
            tokens_per_s: 1000,
          }));
          return { ...request, body: JSON.stringify({ seq: batch, points }) };
        },
      },
    ],
  });
  const stored = await (await fetch(`${url}/api/runs/${run.id}/metrics?max_points=2`)).json();
  const batches = result['2xx'];
  return {
    bench: 'metrics_ingest',
    connections: options.connections,
    seconds: options.seconds,
    points_per_batch: options.pointsPerBatch,
    batches: batches,
    non_2xx: result.non2xx + result.errors,
    batches_per_s: Math.round((batches / options.seconds) * 10) / 10,
    points_per_s: Math.round((batches * options.pointsPerBatch) / options.seconds),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    points_stored: (stored as { total: number }).total,
  };
}

export async function benchEdge(options: EdgeBenchOptions): Promise<object[]> {
  const persistTo = mkdtempSync(join(tmpdir(), 'kindling-bench-'));
  const server = await startDevServer({ port: await freePort(), persistTo, stdio: 'pipe', detached: true });
  try {
    const tiny = new Uint8Array(await readFile(new URL('../tests/fixtures/tiny-names.safetensors', import.meta.url)));
    const lines: object[] = [];
    for (const [preset, bytes] of [
      ['tiny', tiny],
      ['small', smallCheckpoint()],
    ] as const) {
      options.log(`bench edge /complete ${preset} ...`);
      const id = await upload(server.url, bytes, `bench-${preset}`);
      lines.push(await completeLatency(server.url, id, preset, options));
    }
    options.log(`bench edge metrics ingestion (${options.connections} connections, ${options.seconds} s) ...`);
    lines.push(await metricsIngestion(server.url, options));
    return lines;
  } finally {
    await server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
