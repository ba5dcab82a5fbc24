import { createStorageBuffer } from '../client/gpu/buffers';
import { GpuError } from '../client/gpu/errors';
import { defineKernel, F32_BYTES } from '../client/gpu/kernel';
import type { KernelRunner, PreparedDispatch } from '../client/gpu/runner';
import dkvWgsl from './attention_backward_dkv.wgsl?raw';
import dqWgsl from './attention_backward_dq.wgsl?raw';
import forwardWgsl from './attention_forward.wgsl?raw';

/**
 * Fused causal multi-head self-attention (flash-style): the forward keeps only
 * a logsumexp per score row, stats (B, NH, T), never the (B, NH, T, T) matrix;
 * the backward rebuilds the probabilities from qkv and stats in two kernels,
 * dq per query row, then dk and dv per key row. Layout as llm.c:
 * qkv (B, T, 3C), out (B, T, C), HS = C / NH.
 */

/** The most channels per head the kernels' private arrays hold. */
export const ATTENTION_MAX_HS = 128;
/** Query (or key) rows per workgroup in every fused kernel. */
const BLOCK = 64;

type Dims = { B: number; T: number; C: number; NH: number };

const dimUniforms = [
  { name: 'B', type: 'u32' },
  { name: 'T', type: 'u32' },
  { name: 'C', type: 'u32' },
  { name: 'NH', type: 'u32' },
] as const;

const qkvBytes = (u: Dims) => u.B * u.T * 3 * u.C * F32_BYTES; // (B, T, 3C)
const btcBytes = (u: Dims) => u.B * u.T * u.C * F32_BYTES; // (B, T, C)
const statsBytes = (u: Dims) => u.B * u.NH * u.T * F32_BYTES; // (B, NH, T)
/** (row blocks, heads, batch): one workgroup per 64 rows of one head of one sequence. */
const rowBlocks = (u: Dims) => [Math.ceil(u.T / BLOCK), u.NH, u.B] as const;

export const attentionForwardSpec = defineKernel({
  name: 'attention_forward',
  wgsl: forwardWgsl,
  bindings: [
    { name: 'out', access: 'read_write', bytes: btcBytes },
    { name: 'stats', access: 'read_write', bytes: statsBytes },
    { name: 'qkv', access: 'read', bytes: qkvBytes },
  ],
  uniforms: dimUniforms,
  workgroupSize: [BLOCK, 1, 1],
  dispatch: rowBlocks,
});

export const attentionBackwardDqSpec = defineKernel({
  name: 'attention_backward_dq',
  wgsl: dqWgsl,
  bindings: [
    { name: 'dqkv', access: 'read_write', bytes: qkvBytes },
    { name: 'dsum', access: 'read_write', bytes: statsBytes },
    { name: 'dout', access: 'read', bytes: btcBytes },
    { name: 'qkv', access: 'read', bytes: qkvBytes },
    { name: 'out', access: 'read', bytes: btcBytes },
    { name: 'stats', access: 'read', bytes: statsBytes },
  ],
  uniforms: dimUniforms,
  workgroupSize: [BLOCK, 1, 1],
  dispatch: rowBlocks,
});

export const attentionBackwardDkvSpec = defineKernel({
  name: 'attention_backward_dkv',
  wgsl: dkvWgsl,
  bindings: [
    { name: 'dqkv', access: 'read_write', bytes: qkvBytes },
    { name: 'dout', access: 'read', bytes: btcBytes },
    { name: 'qkv', access: 'read', bytes: qkvBytes },
    { name: 'stats', access: 'read', bytes: statsBytes },
    { name: 'dsum', access: 'read', bytes: statsBytes },
  ],
  uniforms: dimUniforms,
  workgroupSize: [BLOCK, 1, 1],
  dispatch: rowBlocks,
});

export const attentionSpecs = [attentionForwardSpec, attentionBackwardDqSpec, attentionBackwardDkvSpec];

/** Throws unless the heads split C evenly into at most ATTENTION_MAX_HS channels each. */
export function checkAttentionShape(B: number, T: number, C: number, NH: number): Dims {
  const fail = (why: string) => new GpuError('invalid-use', `attention (B=${B}, T=${T}, C=${C}, NH=${NH}): ${why}`);
  if (![B, T, C, NH].every((n) => Number.isInteger(n) && n > 0)) throw fail('sizes must be positive integers');
  if (C % NH !== 0) throw fail(`C must be a multiple of NH (head size C/NH = ${C / NH})`);
  if (C / NH > ATTENTION_MAX_HS) throw fail(`head size C/NH = ${C / NH} exceeds the supported ${ATTENTION_MAX_HS}`);
  return { B, T, C, NH };
}

/** The forward's one dispatch, prepared (for a training step or a bench). */
export async function prepareAttentionForward(
  runner: KernelRunner,
  out: GPUBuffer, // (B, T, C)
  stats: GPUBuffer, // (B, NH, T)
  qkv: GPUBuffer, // (B, T, 3C)
  B: number,
  T: number,
  C: number,
  NH: number,
): Promise<PreparedDispatch[]> {
  const dims = checkAttentionShape(B, T, C, NH);
  return [await runner.prepare(attentionForwardSpec, { out, stats, qkv }, dims)];
}

/**
 * The backward's two dispatches, prepared; they must run in this order (dkv
 * reads the dq kernel's dsum). dsum (B, NH, T) is scratch the caller owns.
 */
export async function prepareAttentionBackward(
  runner: KernelRunner,
  dqkv: GPUBuffer, // (B, T, 3C), assigned
  dsum: GPUBuffer, // (B, NH, T), scratch
  dout: GPUBuffer, // (B, T, C)
  qkv: GPUBuffer, // (B, T, 3C)
  out: GPUBuffer, // (B, T, C)
  stats: GPUBuffer, // (B, NH, T)
  B: number,
  T: number,
  C: number,
  NH: number,
): Promise<PreparedDispatch[]> {
  const dims = checkAttentionShape(B, T, C, NH);
  return [
    await runner.prepare(attentionBackwardDqSpec, { dqkv, dsum, dout, qkv, out, stats }, dims),
    await runner.prepare(attentionBackwardDkvSpec, { dqkv, dout, qkv, stats, dsum }, dims),
  ];
}

/** GPU launcher; same signature as attentionForwardCpu with buffers for arrays. */
export async function attentionForward(
  runner: KernelRunner,
  out: GPUBuffer,
  stats: GPUBuffer,
  qkv: GPUBuffer,
  B: number,
  T: number,
  C: number,
  NH: number,
): Promise<void> {
  await submitOnce(runner, await prepareAttentionForward(runner, out, stats, qkv, B, T, C, NH));
}

/** GPU launcher; same signature as attentionBackwardCpu. Allocates and frees its dsum scratch. */
export async function attentionBackward(
  runner: KernelRunner,
  dqkv: GPUBuffer,
  dout: GPUBuffer,
  qkv: GPUBuffer,
  out: GPUBuffer,
  stats: GPUBuffer,
  B: number,
  T: number,
  C: number,
  NH: number,
): Promise<void> {
  checkAttentionShape(B, T, C, NH);
  const dsum = createStorageBuffer(runner.gpu, 'attention dsum', B * NH * T);
  try {
    await submitOnce(runner, await prepareAttentionBackward(runner, dqkv, dsum, dout, qkv, out, stats, B, T, C, NH));
  } finally {
    dsum.destroy();
  }
}

/** Submits prepared dispatches once, then frees their uniform buffers. */
export async function submitOnce(runner: KernelRunner, dispatches: PreparedDispatch[]): Promise<void> {
  try {
    await runner.submit(dispatches);
  } finally {
    for (const d of dispatches) d.uniformBuffer?.destroy();
  }
}
