import { defineKernel, F32_BYTES } from '../client/gpu/kernel';
import type { KernelRunner, PreparedDispatch } from '../client/gpu/runner';
import { checkAttentionShape, submitOnce } from './attention';
import dattWgsl from './attention_datt.wgsl?raw';
import qkvBackwardWgsl from './attention_qkv_backward.wgsl?raw';
import queryKeyWgsl from './attention_query_key.wgsl?raw';
import softmaxWgsl from './attention_softmax.wgsl?raw';
import softmaxBackwardWgsl from './attention_softmax_backward.wgsl?raw';
import valueWgsl from './attention_value.wgsl?raw';

/**
 * The plain, materialised attention (llm.c's train_gpt2.c loops, one kernel
 * per loop nest, as dev/cuda's version 1 kernels): the forward keeps preatt and
 * att (B, NH, T, T), the backward datt and dpreatt (B, NH, T, T). The forward
 * has the fused attention_forward's outputs (out and the logsumexp stats), so
 * both are held to the same reference and benchmarked against each other.
 * Backward: dqkv is ASSIGNED.
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

export const attentionDattSpec = defineKernel({
  name: 'attention_datt',
  wgsl: dattWgsl,
  bindings: [
    { name: 'datt', access: 'read_write', bytes: attBytes },
    { name: 'dout', access: 'read', bytes: btcBytes },
    { name: 'qkv', access: 'read', bytes: qkvBytes },
  ],
  uniforms: dimUniforms,
  workgroupSize: [16, 16, 1],
  dispatch: (u) => [Math.ceil(u.T / 16), Math.ceil(u.T / 16), u.B * u.NH],
});

export const attentionSoftmaxBackwardSpec = defineKernel({
  name: 'attention_softmax_backward',
  wgsl: softmaxBackwardWgsl,
  bindings: [
    { name: 'dpreatt', access: 'read_write', bytes: attBytes },
    { name: 'att', access: 'read', bytes: attBytes },
    { name: 'datt', access: 'read', bytes: attBytes },
  ],
  uniforms: dimUniforms,
  workgroupSize: [64, 1, 1],
  dispatch: (u) => [Math.ceil(u.T / 64), u.NH, u.B],
});

export const attentionQkvBackwardSpec = defineKernel({
  name: 'attention_qkv_backward',
  wgsl: qkvBackwardWgsl,
  bindings: [
    { name: 'dqkv', access: 'read_write', bytes: qkvBytes },
    { name: 'dpreatt', access: 'read', bytes: attBytes },
    { name: 'att', access: 'read', bytes: attBytes },
    { name: 'dout', access: 'read', bytes: btcBytes },
    { name: 'qkv', access: 'read', bytes: qkvBytes },
  ],
  uniforms: dimUniforms,
  workgroupSize: [64, 1, 1],
  dispatch: (u) => [Math.ceil(u.C / 64), u.B * u.T, 1],
});

export const attentionMaterialisedSpecs = [
  attentionQueryKeySpec,
  attentionSoftmaxSpec,
  attentionValueSpec,
  attentionDattSpec,
  attentionSoftmaxBackwardSpec,
  attentionQkvBackwardSpec,
];

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

/** The backward's three dispatches, prepared, in order. dpreatt and datt are (B, NH, T, T) scratch. */
export async function prepareAttentionBackwardMaterialised(
  runner: KernelRunner,
  dqkv: GPUBuffer, // (B, T, 3C), assigned
  dpreatt: GPUBuffer, // (B, NH, T, T)
  datt: GPUBuffer, // (B, NH, T, T)
  dout: GPUBuffer, // (B, T, C)
  qkv: GPUBuffer, // (B, T, 3C)
  att: GPUBuffer, // (B, NH, T, T), from the materialised forward
  B: number,
  T: number,
  C: number,
  NH: number,
): Promise<PreparedDispatch[]> {
  const dims = checkAttentionShape(B, T, C, NH);
  return [
    await runner.prepare(attentionDattSpec, { datt, dout, qkv }, dims),
    await runner.prepare(attentionSoftmaxBackwardSpec, { dpreatt, att, datt }, dims),
    await runner.prepare(attentionQkvBackwardSpec, { dqkv, dpreatt, att, dout, qkv }, dims),
  ];
}

/** GPU launcher in llm.c's argument order (dinp, dpreatt, datt, dout, inp, att). */
export async function attentionBackwardMaterialised(
  runner: KernelRunner,
  dqkv: GPUBuffer,
  dpreatt: GPUBuffer,
  datt: GPUBuffer,
  dout: GPUBuffer,
  qkv: GPUBuffer,
  att: GPUBuffer,
  B: number,
  T: number,
  C: number,
  NH: number,
): Promise<void> {
  await submitOnce(
    runner,
    await prepareAttentionBackwardMaterialised(runner, dqkv, dpreatt, datt, dout, qkv, att, B, T, C, NH),
  );
}
