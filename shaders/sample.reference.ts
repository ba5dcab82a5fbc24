import type { FloatArray } from '../client/numerics/float-array';

/**
 * CPU references for sample_token.wgsl and sample_softmax.wgsl.
 *
 * sampleTokenCpu follows the kernel's procedure exactly (see the header of
 * sample_token.wgsl), in f32 arithmetic (Math.fround after every operation,
 * in the kernel's order), so that the CPU, the browser and Node pick the same
 * token for the same logits, temperature, k and coin. Candidate selection is
 * comparisons only, and (x - max) * inv_temperature, the sums and
 * coin * total are correctly rounded f32 operations on both sides. The one
 * operation that may differ is exp (WGSL allows a few ulp): a token can then
 * differ only when coin * total falls within those few ulp of a cumulative
 * boundary, a chance of about 1e-6 per draw.
 */

/** Candidates kept by top-k at most (workgroup memory in the kernel). */
export const MAX_TOP_K = 64;
const CHUNKS = 64;
/** The largest f32 below 1: coins are clamped to [0, MAX_COIN] so that threshold < total. */
const MAX_COIN = 1 - 2 ** -24;

export interface SampleUniforms {
  rows: number;
  V: number;
  offset: number;
  row_stride: number;
  /** Candidates: 1 greedy, k < V top-k, V no truncation. */
  k: number;
  /** 1 / temperature as an f32 (1 when greedy). */
  inv_temperature: number;
}

/**
 * The kernel's uniforms, shared by the launcher and the reference so both see
 * the same f32 values. temperature 0 (or so small that 1/temperature
 * overflows f32) is greedy; topK 0 or >= V keeps every token.
 */
export function sampleUniforms(
  rows: number,
  offset: number,
  rowStride: number,
  V: number,
  temperature: number,
  topK: number,
): SampleUniforms {
  if (!Number.isInteger(V) || V < 1) throw new RangeError(`sample: V must be >= 1 (got ${V})`);
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`sample: temperature must be finite and >= 0 (got ${temperature})`);
  }
  if (!Number.isInteger(topK) || topK < 0) throw new RangeError(`sample: topK must be an integer >= 0 (got ${topK})`);
  const invTemperature = temperature === 0 ? Number.POSITIVE_INFINITY : Math.fround(1 / temperature);
  const greedy = !Number.isFinite(invTemperature);
  let k = topK === 0 || topK >= V ? V : topK;
  if (greedy) k = 1;
  if (k < V && k > MAX_TOP_K) throw new RangeError(`sample: topK ${topK} is above the kernel's ${MAX_TOP_K}`);
  return { rows, V, offset, row_stride: rowStride, k, inv_temperature: greedy ? 1 : invTemperature };
}

/**
 * tokens(rows): row r samples logits[offset + r·rowStride ..][0, V) with the
 * coin coins[r] in [0, 1), by the kernel's procedure in f32.
 */
export function sampleTokensCpu(
  tokens: Uint32Array,
  logits: FloatArray,
  coins: FloatArray,
  rows: number,
  offset: number,
  rowStride: number,
  V: number,
  temperature: number,
  topK: number,
): void {
  const u = sampleUniforms(rows, offset, rowStride, V, temperature, topK);
  for (let r = 0; r < rows; r++) {
    const start = offset + r * rowStride;
    const coin = Math.min(Math.max(Math.fround(coins[r] as number), 0), MAX_COIN);
    tokens[r] = sampleRow(Float32Array.from(logits.subarray(start, start + V)), u.k, u.inv_temperature, coin);
  }
}

/** One row: steps 1-4 of sample_token.wgsl's header. */
function sampleRow(row: Float32Array, k: number, invTemperature: number, coin: number): number {
  const f = Math.fround;
  const V = row.length;
  // 1. Candidates as indices into row.
  let candidates: number[];
  if (k < V) {
    const order = Array.from(row.keys()).sort((a, b) => (row[b] as number) - (row[a] as number) || a - b);
    candidates = order.slice(0, k);
  } else {
    candidates = Array.from(row.keys());
  }
  let max = row[0] as number;
  for (const x of row) if (x > max) max = x;
  // 2. Weights, f32.
  const w = candidates.map((i) => f(Math.exp(f(f((row[i] as number) - max) * invTemperature))));
  // 3. Chunk sums, left to right from 0.
  const n = candidates.length;
  const L = Math.ceil(n / CHUNKS);
  const chunkSums = new Array<number>(CHUNKS).fill(0);
  for (let c = 0; c < CHUNKS; c++) {
    let sum = 0;
    for (let e = Math.min(c * L, n); e < Math.min(c * L + L, n); e++) sum = f(sum + (w[e] as number));
    chunkSums[c] = sum;
  }
  // 4. Threshold, chunk, then candidate.
  let total = 0;
  for (const s of chunkSums) total = f(total + s);
  const threshold = f(coin * total);
  let beforeChunk = 0;
  let chunk = 0;
  for (let c = 0; c < CHUNKS; c++) {
    const running = f(beforeChunk + (chunkSums[c] as number));
    if (running > threshold) {
      chunk = c;
      break;
    }
    beforeChunk = running;
  }
  const first = Math.min(chunk * L, n);
  const last = Math.min(first + L, n);
  let pick = Math.max(last, 1) - 1;
  let partial = 0;
  for (let e = first; e < last; e++) {
    partial = f(partial + (w[e] as number));
    if (f(beforeChunk + partial) > threshold) {
      pick = e;
      break;
    }
  }
  return candidates[pick] as number;
}

/** probs(V) = softmax(logits[offset .. offset + V) / temperature), temperature > 0, in JS numbers. */
export function sampleSoftmaxCpu(
  probs: FloatArray,
  logits: FloatArray,
  offset: number,
  V: number,
  temperature: number,
): void {
  if (!(temperature > 0)) throw new RangeError(`sampleSoftmax: temperature must be > 0 (got ${temperature})`);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[offset + i] as number);
  let sum = 0;
  for (let i = 0; i < V; i++) sum += Math.exp(((logits[offset + i] as number) - max) / temperature);
  for (let i = 0; i < V; i++) probs[i] = Math.exp(((logits[offset + i] as number) - max) / temperature) / sum;
}
