import { defineKernel, F32_BYTES, type KernelSpec } from '../client/gpu/kernel';
import type { KernelRunner } from '../client/gpu/runner';
import { elementGrid } from './elementwise_grid';
import backwardWgsl from './gelu_backward.wgsl?raw';
import forwardWgsl from './gelu_forward.wgsl?raw';

/** Spec of gelu_forward.wgsl: out(N) = gelu(inp(N)), tanh approximation. */
export const geluForwardSpec = defineKernel({
  name: 'gelu_forward',
  wgsl: forwardWgsl,
  bindings: [
    { name: 'out', access: 'read_write', bytes: (u) => u.N * F32_BYTES },
    { name: 'inp', access: 'read', bytes: (u) => u.N * F32_BYTES },
  ],
  uniforms: [{ name: 'N', type: 'u32' }],
  workgroupSize: [256, 1, 1],
  dispatch: (u) => elementGrid(u.N, 256),
});

/** Spec of gelu_backward.wgsl: dinp(N) = gelu'(inp) · dout, assigned. */
export const geluBackwardSpec = defineKernel({
  name: 'gelu_backward',
  wgsl: backwardWgsl,
  bindings: [
    { name: 'dinp', access: 'read_write', bytes: (u) => u.N * F32_BYTES },
    { name: 'inp', access: 'read', bytes: (u) => u.N * F32_BYTES },
    { name: 'dout', access: 'read', bytes: (u) => u.N * F32_BYTES },
  ],
  uniforms: [{ name: 'N', type: 'u32' }],
  workgroupSize: [256, 1, 1],
  dispatch: (u) => elementGrid(u.N, 256),
});

export const geluSpecs: readonly KernelSpec[] = [geluForwardSpec, geluBackwardSpec];

/** GPU launcher; same signature as geluForwardCpu with buffers for arrays. */
export function geluForward(runner: KernelRunner, out: GPUBuffer, inp: GPUBuffer, N: number): Promise<void> {
  return runner.run(geluForwardSpec, { out, inp }, { N });
}

/** GPU launcher; same signature as geluBackwardCpu (dinp assigned). */
export function geluBackward(
  runner: KernelRunner,
  dinp: GPUBuffer,
  inp: GPUBuffer,
  dout: GPUBuffer,
  N: number,
): Promise<void> {
  return runner.run(geluBackwardSpec, { dinp, inp, dout }, { N });
}
