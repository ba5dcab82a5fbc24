import { defineKernel, F32_BYTES, type KernelSpec } from '../client/gpu/kernel';
import type { KernelRunner } from '../client/gpu/runner';
import { elementGrid } from './elementwise_grid';
import accumulateWgsl from './residual_accumulate.wgsl?raw';
import accumulateVec4Wgsl from './residual_accumulate_vec4.wgsl?raw';
import forwardWgsl from './residual_forward.wgsl?raw';
import forwardVec4Wgsl from './residual_forward_vec4.wgsl?raw';

/**
 * Each kernel in two forms: scalar (any N) and vec4 (N % 4 == 0, 2-3x
 * faster on SwiftShader). The launchers and the *SpecFor(N) helpers pick.
 */

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

/** Spec of residual_forward_vec4.wgsl: the same for N % 4 == 0, a vec4 per invocation. */
export const residualForwardVec4Spec = defineKernel({
  ...residualForwardSpec,
  name: 'residual_forward_vec4',
  wgsl: forwardVec4Wgsl,
  dispatch: (u) => elementGrid(u.N / 4, 256),
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

/** Spec of residual_accumulate_vec4.wgsl: the same for N % 4 == 0, a vec4 per invocation. */
export const residualAccumulateVec4Spec = defineKernel({
  ...residualAccumulateSpec,
  name: 'residual_accumulate_vec4',
  wgsl: accumulateVec4Wgsl,
  dispatch: (u) => elementGrid(u.N / 4, 256),
});

export const residualSpecs: readonly KernelSpec[] = [
  residualForwardSpec,
  residualForwardVec4Spec,
  residualAccumulateSpec,
  residualAccumulateVec4Spec,
];

/** The faster residual_forward spec that is correct for N elements. */
export function residualForwardSpecFor(N: number): typeof residualForwardSpec {
  return N % 4 === 0 ? residualForwardVec4Spec : residualForwardSpec;
}

/** The faster residual_accumulate spec that is correct for N elements. */
export function residualAccumulateSpecFor(N: number): typeof residualAccumulateSpec {
  return N % 4 === 0 ? residualAccumulateVec4Spec : residualAccumulateSpec;
}

/** GPU launcher; same signature as residualForwardCpu with buffers for arrays. */
export function residualForward(
  runner: KernelRunner,
  out: GPUBuffer,
  inp1: GPUBuffer,
  inp2: GPUBuffer,
  N: number,
): Promise<void> {
  return runner.run(residualForwardSpecFor(N), { out, inp1, inp2 }, { N });
}

/** GPU launcher; same signature as residualAccumulateCpu: dst += src. */
export function residualAccumulate(runner: KernelRunner, dst: GPUBuffer, src: GPUBuffer, N: number): Promise<void> {
  return runner.run(residualAccumulateSpecFor(N), { dst, src }, { N });
}
