import { createStorageBuffer } from '../client/gpu/buffers';
import { defineKernel, F32_BYTES, type KernelSpec } from '../client/gpu/kernel';
import type { KernelRunner } from '../client/gpu/runner';
import { blockGrid } from './elementwise_grid';
import backwardWgsl from './layernorm_backward.wgsl?raw';
import partialWgsl from './layernorm_backward_params_partial.wgsl?raw';
import reduceWgsl from './layernorm_backward_params_reduce.wgsl?raw';
import forwardWgsl from './layernorm_forward.wgsl?raw';

/** Rows summed per block by layernorm_backward_params_partial.wgsl (its ROWS). */
export const LAYERNORM_ROWS_PER_BLOCK = 32;

/** Floats of the scratch(blocks, 2, C) buffer the parameter-gradient passes need. */
export function layernormScratchFloats(BT: number, C: number): number {
  return Math.ceil(BT / LAYERNORM_ROWS_PER_BLOCK) * 2 * C;
}

/**
 * Invocations per row of layernorm_forward/backward (their WGSL override WG).
 * 64 suits GPUs; CPU adapters, where barriers are costly, want 4: SwiftShader
 * runs the 4-wide kernels 4-15x faster. The caller picks per adapter (measure
 * with `npm run bench -- kernels --filter layernorm`); results differ only by
 * summation order.
 */
export type LayernormWorkgroupSize = 4 | 64;

/** Spec of layernorm_forward.wgsl: out(BT,C), mean(BT), rstd(BT) from inp(BT,C), weight(C), bias(C). */
export function layernormForwardSpecFor(WG: LayernormWorkgroupSize) {
  return defineKernel({
    name: 'layernorm_forward',
    wgsl: forwardWgsl,
    bindings: [
      { name: 'out', access: 'read_write', bytes: (u) => u.BT * u.C * F32_BYTES },
      { name: 'mean', access: 'read_write', bytes: (u) => u.BT * F32_BYTES },
      { name: 'rstd', access: 'read_write', bytes: (u) => u.BT * F32_BYTES },
      { name: 'inp', access: 'read', bytes: (u) => u.BT * u.C * F32_BYTES },
      { name: 'weight', access: 'read', bytes: (u) => u.C * F32_BYTES },
      { name: 'bias', access: 'read', bytes: (u) => u.C * F32_BYTES },
    ],
    uniforms: [
      { name: 'BT', type: 'u32' },
      { name: 'C', type: 'u32' },
    ],
    workgroupSize: [WG, 1, 1],
    constants: { WG },
    dispatch: (u) => blockGrid(u.BT),
  });
}

/** Spec of layernorm_backward.wgsl: dinp(BT,C), assigned. */
export function layernormBackwardSpecFor(WG: LayernormWorkgroupSize) {
  return defineKernel({
    name: 'layernorm_backward',
    wgsl: backwardWgsl,
    bindings: [
      { name: 'dinp', access: 'read_write', bytes: (u) => u.BT * u.C * F32_BYTES },
      { name: 'dout', access: 'read', bytes: (u) => u.BT * u.C * F32_BYTES },
      { name: 'inp', access: 'read', bytes: (u) => u.BT * u.C * F32_BYTES },
      { name: 'weight', access: 'read', bytes: (u) => u.C * F32_BYTES },
      { name: 'mean', access: 'read', bytes: (u) => u.BT * F32_BYTES },
      { name: 'rstd', access: 'read', bytes: (u) => u.BT * F32_BYTES },
    ],
    uniforms: [
      { name: 'BT', type: 'u32' },
      { name: 'C', type: 'u32' },
    ],
    workgroupSize: [WG, 1, 1],
    constants: { WG },
    dispatch: (u) => blockGrid(u.BT),
  });
}

/** The GPU variants (64 invocations per row), the default. */
export const layernormForwardSpec = layernormForwardSpecFor(64);
export const layernormBackwardSpec = layernormBackwardSpecFor(64);

/** Spec of layernorm_backward_params_partial.wgsl: per-block sums into scratch(blocks, 2, C). */
export const layernormBackwardParamsPartialSpec = defineKernel({
  name: 'layernorm_backward_params_partial',
  wgsl: partialWgsl,
  bindings: [
    { name: 'scratch', access: 'read_write', bytes: (u) => layernormScratchFloats(u.BT, u.C) * F32_BYTES },
    { name: 'dout', access: 'read', bytes: (u) => u.BT * u.C * F32_BYTES },
    { name: 'inp', access: 'read', bytes: (u) => u.BT * u.C * F32_BYTES },
    { name: 'mean', access: 'read', bytes: (u) => u.BT * F32_BYTES },
    { name: 'rstd', access: 'read', bytes: (u) => u.BT * F32_BYTES },
  ],
  uniforms: [
    { name: 'BT', type: 'u32' },
    { name: 'C', type: 'u32' },
  ],
  workgroupSize: [64, 1, 1],
  dispatch: (u) => [Math.ceil(u.C / 64), Math.ceil(u.BT / LAYERNORM_ROWS_PER_BLOCK), 1],
});

/** Spec of layernorm_backward_params_reduce.wgsl: dweight(C), dbias(C) += the blocks, in order. */
export const layernormBackwardParamsReduceSpec = defineKernel({
  name: 'layernorm_backward_params_reduce',
  wgsl: reduceWgsl,
  bindings: [
    { name: 'dweight', access: 'read_write', bytes: (u) => u.C * F32_BYTES },
    { name: 'dbias', access: 'read_write', bytes: (u) => u.C * F32_BYTES },
    { name: 'scratch', access: 'read', bytes: (u) => layernormScratchFloats(u.BT, u.C) * F32_BYTES },
  ],
  uniforms: [
    { name: 'BT', type: 'u32' },
    { name: 'C', type: 'u32' },
  ],
  workgroupSize: [64, 1, 1],
  dispatch: (u) => [Math.ceil(u.C / 64), 1, 1],
});

export const layernormSpecs: readonly KernelSpec[] = [
  layernormForwardSpec,
  layernormBackwardSpec,
  layernormBackwardParamsPartialSpec,
  layernormBackwardParamsReduceSpec,
];

export interface LayernormOptions {
  /** Invocations per row; 64 (GPUs) unless given. */
  workgroupSize?: LayernormWorkgroupSize;
}

/** GPU launcher; same signature as layernormForwardCpu with buffers for arrays. */
export function layernormForward(
  runner: KernelRunner,
  out: GPUBuffer,
  mean: GPUBuffer,
  rstd: GPUBuffer,
  inp: GPUBuffer,
  weight: GPUBuffer,
  bias: GPUBuffer,
  B: number,
  T: number,
  C: number,
  options: LayernormOptions = {},
): Promise<void> {
  const spec = layernormForwardSpecFor(options.workgroupSize ?? 64);
  return runner.run(spec, { out, mean, rstd, inp, weight, bias }, { BT: B * T, C });
}

export interface LayernormBackwardOptions extends LayernormOptions {
  /**
   * scratch(blocks, 2, C) for the parameter passes, layernormScratchFloats(B·T, C)
   * floats; the trainer allocates it once. When absent, one is made for the call.
   */
  scratch?: GPUBuffer;
}

/**
 * GPU launcher; layernormBackwardCpu's signature with buffers. Three
 * dispatches in one pass: dinp (assigned), then the two parameter passes
 * (dweight, dbias accumulate).
 */
export async function layernormBackward(
  runner: KernelRunner,
  dinp: GPUBuffer,
  dweight: GPUBuffer,
  dbias: GPUBuffer,
  dout: GPUBuffer,
  inp: GPUBuffer,
  weight: GPUBuffer,
  mean: GPUBuffer,
  rstd: GPUBuffer,
  B: number,
  T: number,
  C: number,
  options: LayernormBackwardOptions = {},
): Promise<void> {
  const u = { BT: B * T, C };
  const ownScratch = options.scratch
    ? null
    : createStorageBuffer(runner.gpu, 'layernorm scratch', layernormScratchFloats(B * T, C));
  const scratch = (options.scratch ?? ownScratch) as GPUBuffer;
  const dinpSpec = layernormBackwardSpecFor(options.workgroupSize ?? 64);
  const prepared = [];
  try {
    prepared.push(await runner.prepare(dinpSpec, { dinp, dout, inp, weight, mean, rstd }, u));
    prepared.push(await runner.prepare(layernormBackwardParamsPartialSpec, { scratch, dout, inp, mean, rstd }, u));
    prepared.push(await runner.prepare(layernormBackwardParamsReduceSpec, { dweight, dbias, scratch }, u));
    await runner.submit(prepared);
  } finally {
    for (const p of prepared) p.uniformBuffer?.destroy();
    ownScratch?.destroy();
  }
}
