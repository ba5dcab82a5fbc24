import { defineKernel, F32_BYTES } from '../client/gpu/kernel';
import type { KernelRunner, PreparedDispatch } from '../client/gpu/runner';
import { checkAttentionShape, submitOnce } from './attention';
import queryKeyWgsl from './attention_query_key.wgsl?raw';
import softmaxWgsl from './attention_softmax.wgsl?raw';
import valueWgsl from './attention_value.wgsl?raw';

/**
 * The plain, materialised attention forward (llm.c's attention_forward.cu
 * version 1): preatt and att (B, NH, T, T) in memory, three kernels. Same
 * outputs as the fused attention_forward (out and the logsumexp stats), so it
 * is held to the same reference and benchmarked against the fused kernel.
 */

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
const attBytes = (u: Dims) => u.B * u.NH * u.T * u.T * F32_BYTES; // (B, NH, T, T)

export const attentionQueryKeySpec = defineKernel({
  name: 'attention_query_key',
  wgsl: queryKeyWgsl,
  bindings: [
    { name: 'preatt', access: 'read_write', bytes: attBytes },
    { name: 'qkv', access: 'read', bytes: qkvBytes },
  ],
  uniforms: dimUniforms,
  workgroupSize: [16, 16, 1],
  dispatch: (u) => [Math.ceil(u.T / 16), Math.ceil(u.T / 16), u.B * u.NH],
});

export const attentionSoftmaxSpec = defineKernel({
  name: 'attention_softmax',
  wgsl: softmaxWgsl,
  bindings: [
    { name: 'att', access: 'read_write', bytes: attBytes },
    { name: 'stats', access: 'read_write', bytes: statsBytes },
    { name: 'preatt', access: 'read', bytes: attBytes },
  ],
  uniforms: dimUniforms,
  workgroupSize: [64, 1, 1],
  dispatch: (u) => [Math.ceil(u.T / 64), u.NH, u.B],
});

export const attentionValueSpec = defineKernel({
  name: 'attention_value',
  wgsl: valueWgsl,
  bindings: [
    { name: 'out', access: 'read_write', bytes: btcBytes },
    { name: 'att', access: 'read', bytes: attBytes },
    { name: 'qkv', access: 'read', bytes: qkvBytes },
  ],
  uniforms: dimUniforms,
  workgroupSize: [64, 1, 1],
  dispatch: (u) => [Math.ceil(u.C / 64), u.B * u.T, 1],
});

export const attentionMaterialisedSpecs = [attentionQueryKeySpec, attentionSoftmaxSpec, attentionValueSpec];

/** The three dispatches, prepared, in order. preatt and att are (B, NH, T, T) scratch the caller owns. */
export async function prepareAttentionForwardMaterialised(
  runner: KernelRunner,
  out: GPUBuffer, // (B, T, C)
  stats: GPUBuffer, // (B, NH, T)
  preatt: GPUBuffer, // (B, NH, T, T)
  att: GPUBuffer, // (B, NH, T, T)
  qkv: GPUBuffer, // (B, T, 3C)
  B: number,
  T: number,
  C: number,
  NH: number,
): Promise<PreparedDispatch[]> {
  // Same shape rules as the fused path, though only the fused kernels need HS <= 128.
  const dims = checkAttentionShape(B, T, C, NH);
  return [
    await runner.prepare(attentionQueryKeySpec, { preatt, qkv }, dims),
    await runner.prepare(attentionSoftmaxSpec, { att, stats, preatt }, dims),
    await runner.prepare(attentionValueSpec, { out, att, qkv }, dims),
  ];
}

/** GPU launcher in llm.c's argument order (out, preatt, att, inp), plus the stats the fused forward also writes. */
export async function attentionForwardMaterialised(
  runner: KernelRunner,
  out: GPUBuffer,
  stats: GPUBuffer,
  preatt: GPUBuffer,
  att: GPUBuffer,
  qkv: GPUBuffer,
  B: number,
  T: number,
  C: number,
  NH: number,
): Promise<void> {
  await submitOnce(
    runner,
    await prepareAttentionForwardMaterialised(runner, out, stats, preatt, att, qkv, B, T, C, NH),
  );
}
