import { defineKernel, F32_BYTES, type KernelSpec } from '../client/gpu/kernel';
import type { KernelRunner } from '../client/gpu/runner';
import { elementGrid } from './elementwise_grid';
import accumulateWgsl from './residual_accumulate.wgsl?raw';
import forwardWgsl from './residual_forward.wgsl?raw';

/** Spec of residual_forward.wgsl: out(N) = inp1(N) + inp2(N). */
export const residualForwardSpec = defineKernel({
  name: 'residual_forward',
  wgsl: forwardWgsl,
  bindings: [
    { name: 'out', access: 'read_write', bytes: (u) => u.N * F32_BYTES },
    { name: 'inp1', access: 'read', bytes: (u) => u.N * F32_BYTES },
    { name: 'inp2', access: 'read', bytes: (u) => u.N * F32_BYTES },
  ],
  uniforms: [{ name: 'N', type: 'u32' }],
  workgroupSize: [256, 1, 1],
  dispatch: (u) => elementGrid(u.N, 256),
});

/** Spec of residual_accumulate.wgsl: dst(N) += src(N), the residual backward's sum. */
export const residualAccumulateSpec = defineKernel({
  name: 'residual_accumulate',
  wgsl: accumulateWgsl,
  bindings: [
    { name: 'dst', access: 'read_write', bytes: (u) => u.N * F32_BYTES },
    { name: 'src', access: 'read', bytes: (u) => u.N * F32_BYTES },
  ],
  uniforms: [{ name: 'N', type: 'u32' }],
  workgroupSize: [256, 1, 1],
  dispatch: (u) => elementGrid(u.N, 256),
});

export const residualSpecs: readonly KernelSpec[] = [residualForwardSpec, residualAccumulateSpec];

/** GPU launcher; same signature as residualForwardCpu with buffers for arrays. */
export function residualForward(
  runner: KernelRunner,
  out: GPUBuffer,
  inp1: GPUBuffer,
  inp2: GPUBuffer,
  N: number,
): Promise<void> {
  return runner.run(residualForwardSpec, { out, inp1, inp2 }, { N });
}

/** GPU launcher; same signature as residualAccumulateCpu: dst += src. */
export function residualAccumulate(runner: KernelRunner, dst: GPUBuffer, src: GPUBuffer, N: number): Promise<void> {
  return runner.run(residualAccumulateSpec, { dst, src }, { N });
}
