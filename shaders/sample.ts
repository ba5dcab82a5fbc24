import { defineKernel, F32_BYTES } from '../client/gpu/kernel';
import type { KernelRunner } from '../client/gpu/runner';
import { sampleUniforms } from './sample.reference';
import softmaxWgsl from './sample_softmax.wgsl?raw';
import tokenWgsl from './sample_token.wgsl?raw';

export { MAX_TOP_K, sampleUniforms } from './sample.reference';

/** Spec of sample_token.wgsl: tokens (rows) u32, row r from logits[offset + r·row_stride ..][0, V) and coins[r]. */
export const sampleTokenSpec = defineKernel({
  name: 'sample_token',
  wgsl: tokenWgsl,
  bindings: [
    { name: 'tokens', access: 'read_write', bytes: (u) => u.rows * 4 },
    { name: 'logits', access: 'read', bytes: (u) => (u.offset + (u.rows - 1) * u.row_stride + u.V) * F32_BYTES },
    { name: 'coins', access: 'read', bytes: (u) => u.rows * F32_BYTES },
  ],
  uniforms: [
    { name: 'rows', type: 'u32' },
    { name: 'V', type: 'u32' },
    { name: 'offset', type: 'u32' },
    { name: 'row_stride', type: 'u32' },
    { name: 'k', type: 'u32' },
    { name: 'inv_temperature', type: 'f32' },
  ],
  workgroupSize: [64, 1, 1],
  dispatch: (u) => [u.rows, 1, 1],
});

/** Spec of sample_softmax.wgsl: probs (V) with temperature, from logits[offset .. offset + V). */
export const sampleSoftmaxSpec = defineKernel({
  name: 'sample_softmax',
  wgsl: softmaxWgsl,
  bindings: [
    { name: 'probs', access: 'read_write', bytes: (u) => u.V * F32_BYTES },
    { name: 'logits', access: 'read', bytes: (u) => (u.offset + u.V) * F32_BYTES },
  ],
  uniforms: [
    { name: 'V', type: 'u32' },
    { name: 'offset', type: 'u32' },
    { name: 'inv_temperature', type: 'f32' },
  ],
  workgroupSize: [64, 1, 1],
  dispatch: () => [1, 1, 1],
});

export const sampleSpecs = [sampleTokenSpec, sampleSoftmaxSpec];

/**
 * GPU launcher; same signature as sampleTokensCpu with buffers for arrays.
 * temperature 0 is greedy argmax (ties to the lowest index); topK 0 or >= V
 * keeps every token; coins (rows) are uniform draws in [0, 1) from the CPU,
 * e.g. seededRandom, written as f32 (the kernel clamps them to [0, 1 - 2^-24]).
 */
export function sampleTokens(
  runner: KernelRunner,
  tokens: GPUBuffer,
  logits: GPUBuffer,
  coins: GPUBuffer,
  rows: number,
  offset: number,
  rowStride: number,
  V: number,
  temperature: number,
  topK: number,
): Promise<void> {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`sample: rows must be >= 1 (got ${rows})`);
  return runner.run(
    sampleTokenSpec,
    { tokens, logits, coins },
    sampleUniforms(rows, offset, rowStride, V, temperature, topK),
  );
}

/** GPU launcher; same signature as sampleSoftmaxCpu with buffers for arrays (temperature > 0). */
export function sampleSoftmax(
  runner: KernelRunner,
  probs: GPUBuffer,
  logits: GPUBuffer,
  offset: number,
  V: number,
  temperature: number,
): Promise<void> {
  if (!(temperature > 0)) throw new RangeError(`sampleSoftmax: temperature must be > 0 (got ${temperature})`);
  return runner.run(sampleSoftmaxSpec, { probs, logits }, { V, offset, inv_temperature: 1 / temperature });
}
