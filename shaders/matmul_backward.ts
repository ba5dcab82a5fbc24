import { defineKernel, F32_BYTES } from '../client/gpu/kernel';
import type { KernelRunner, PreparedDispatch } from '../client/gpu/runner';
import dinpWgsl from './matmul_backward_dinp.wgsl?raw';
import dweightWgsl from './matmul_backward_dweight.wgsl?raw';

/**
 * matmul_backward (llm.c), for out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC),
 * as two dispatches: dinp = dout · weight (assigned), then dweight += doutᵀ · inp
 * with dbias += Σ_bt dout folded into the same kernel (accumulated).
 */

/** dinp(BT, C) = dout(BT, OC) · weight(OC, C); 64 rows x 32 columns per workgroup. */
export const matmulBackwardDinpSpec = defineKernel({
  name: 'matmul_backward_dinp',
  wgsl: dinpWgsl,
  bindings: [
    { name: 'dinp', access: 'read_write', bytes: (u) => u.BT * u.C * F32_BYTES }, // (BT, C)
    { name: 'dout', access: 'read', bytes: (u) => u.BT * u.OC * F32_BYTES }, // (BT, OC)
    { name: 'weight', access: 'read', bytes: (u) => u.OC * u.C * F32_BYTES }, // (OC, C)
  ],
  uniforms: [
    { name: 'BT', type: 'u32' },
    { name: 'C', type: 'u32' },
    { name: 'OC', type: 'u32' },
  ],
  workgroupSize: [8, 8, 1],
  dispatch: (u) => [Math.ceil(u.C / 32), Math.ceil(u.BT / 64), 1],
});

/** dweight(OC, C) += dout(BT, OC)ᵀ · inp(BT, C), dbias(OC) += Σ_bt dout; 64 channels x 32 columns per workgroup. */
export const matmulBackwardDweightSpec = defineKernel({
  name: 'matmul_backward_dweight',
  wgsl: dweightWgsl,
  bindings: [
    { name: 'dweight', access: 'read_write', bytes: (u) => u.OC * u.C * F32_BYTES }, // (OC, C)
    { name: 'dbias', access: 'read_write', bytes: (u) => u.OC * F32_BYTES, optional: true }, // (OC)
    { name: 'dout', access: 'read', bytes: (u) => u.BT * u.OC * F32_BYTES }, // (BT, OC)
    { name: 'inp', access: 'read', bytes: (u) => u.BT * u.C * F32_BYTES }, // (BT, C)
  ],
  uniforms: [
    { name: 'BT', type: 'u32' },
    { name: 'C', type: 'u32' },
    { name: 'OC', type: 'u32' },
    { name: 'has_dbias', type: 'u32' },
  ],
  workgroupSize: [8, 8, 1],
  dispatch: (u) => [Math.ceil(u.C / 32), Math.ceil(u.OC / 64), 1],
});

/** Every backward spec, for a registry that compiles them all. */
export const matmulBackwardSpecs = [matmulBackwardDinpSpec, matmulBackwardDweightSpec];

/** Both dispatches of one backward call, prepared (e.g. for a training step or a bench). */
export async function prepareMatmulBackward(
  runner: KernelRunner,
  dinp: GPUBuffer,
  dweight: GPUBuffer,
  dbias: GPUBuffer | null,
  dout: GPUBuffer,
  inp: GPUBuffer,
  weight: GPUBuffer,
  BT: number,
  C: number,
  OC: number,
): Promise<PreparedDispatch[]> {
  return [
    await runner.prepare(matmulBackwardDinpSpec, { dinp, dout, weight }, { BT, C, OC }),
    await runner.prepare(
      matmulBackwardDweightSpec,
      { dweight, dbias, dout, inp },
      { BT, C, OC, has_dbias: dbias === null ? 0 : 1 },
    ),
  ];
}

/** GPU launcher; same signature as matmulBackwardCpu with buffers for arrays. */
export async function matmulBackward(
  runner: KernelRunner,
  dinp: GPUBuffer,
  dweight: GPUBuffer,
  dbias: GPUBuffer | null,
  dout: GPUBuffer,
  inp: GPUBuffer,
  weight: GPUBuffer,
  BT: number,
  C: number,
  OC: number,
): Promise<void> {
  const prepared = await prepareMatmulBackward(runner, dinp, dweight, dbias, dout, inp, weight, BT, C, OC);
  try {
    await runner.submit(prepared);
  } finally {
    for (const p of prepared) p.uniformBuffer?.destroy();
  }
}
