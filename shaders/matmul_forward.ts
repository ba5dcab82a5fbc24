import { defineKernel, F32_BYTES } from '../client/gpu/kernel';
import type { KernelRunner } from '../client/gpu/runner';
import wgsl from './matmul_forward.wgsl?raw';

/** Spec of matmul_forward.wgsl: out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC). */
export const matmulForwardSpec = defineKernel({
  name: 'matmul_forward',
  wgsl,
  bindings: [
    { name: 'out', access: 'read_write', bytes: (u) => u.BT * u.OC * F32_BYTES },
    { name: 'inp', access: 'read', bytes: (u) => u.BT * u.C * F32_BYTES },
    { name: 'weight', access: 'read', bytes: (u) => u.OC * u.C * F32_BYTES },
    { name: 'bias', access: 'read', bytes: (u) => u.OC * F32_BYTES, optional: true },
  ],
  uniforms: [
    { name: 'BT', type: 'u32' },
    { name: 'C', type: 'u32' },
    { name: 'OC', type: 'u32' },
    { name: 'has_bias', type: 'u32' },
  ],
  workgroupSize: [16, 16, 1],
  dispatch: (u) => [Math.ceil(u.OC / 16), Math.ceil(u.BT / 16), 1],
});

/** GPU launcher; same signature as matmulForwardCpu with buffers for arrays. */
export function matmulForward(
  runner: KernelRunner,
  out: GPUBuffer,
  inp: GPUBuffer,
  weight: GPUBuffer,
  bias: GPUBuffer | null,
  BT: number,
  C: number,
  OC: number,
): Promise<void> {
  return runner.run(matmulForwardSpec, { out, inp, weight, bias }, { BT, C, OC, has_bias: bias === null ? 0 : 1 });
}
