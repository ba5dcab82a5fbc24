import { defineKernel, F32_BYTES } from '../client/gpu/kernel';
import type { KernelRunner } from '../client/gpu/runner';
import forwardWgsl from './crossentropy_forward.wgsl?raw';
import fusedWgsl from './crossentropy_fused.wgsl?raw';

/**
 * Softmax cross-entropy over the vocabulary: one workgroup per (b, t) row, so
 * BT = B*T must stay within 65535 workgroups (the runner says so if not).
 * Targets are u32; one outside [0, V) gives NaN (see the references).
 *
 * Workgroups of 64 (the WGSL's `override WG`): on SwiftShader, with 2 busy
 * cores, the fused kernel took 17-29 ms at WG 32-64 against 344 ms at 256
 * for BT=256, V=256, and 44 against 67 ms for BT=8, V=50257 — barriers
 * cost per invocation there. 64 keeps a real GPU busy with BT rows.
 * A per-adapter variant is `{ ...spec, name, constants: { WG }, workgroupSize: [WG, 1, 1] }`.
 */

const U32_BYTES = 4;
const WG = 64;

/** Spec of crossentropy_forward.wgsl: losses(B, T) from logits(B, T, V) and targets(B, T). */
export const crossentropyForwardSpec = defineKernel({
  name: 'crossentropy_forward',
  wgsl: forwardWgsl,
  bindings: [
    { name: 'losses', access: 'read_write', bytes: (u) => u.BT * F32_BYTES },
    { name: 'logits', access: 'read', bytes: (u) => u.BT * u.V * F32_BYTES },
    { name: 'targets', access: 'read', bytes: (u) => u.BT * U32_BYTES },
  ],
  uniforms: [
    { name: 'BT', type: 'u32' },
    { name: 'V', type: 'u32' },
  ],
  workgroupSize: [WG, 1, 1],
  constants: { WG },
  dispatch: (u) => [u.BT, 1, 1],
});

/** Spec of crossentropy_fused.wgsl: losses(B, T) and dlogits(B, T, V) (assigned) in one pass. */
export const crossentropyFusedSpec = defineKernel({
  name: 'crossentropy_fused',
  wgsl: fusedWgsl,
  bindings: [
    { name: 'losses', access: 'read_write', bytes: (u) => u.BT * F32_BYTES },
    { name: 'dlogits', access: 'read_write', bytes: (u) => u.BT * u.V * F32_BYTES },
    { name: 'logits', access: 'read', bytes: (u) => u.BT * u.V * F32_BYTES },
    { name: 'dlosses', access: 'read', bytes: (u) => u.BT * F32_BYTES },
    { name: 'targets', access: 'read', bytes: (u) => u.BT * U32_BYTES },
  ],
  uniforms: [
    { name: 'BT', type: 'u32' },
    { name: 'V', type: 'u32' },
  ],
  workgroupSize: [WG, 1, 1],
  constants: { WG },
  dispatch: (u) => [u.BT, 1, 1],
});

export const crossentropySpecs = [crossentropyForwardSpec, crossentropyFusedSpec];

/** GPU launcher; same signature as crossentropyForwardCpu with buffers for arrays. */
export function crossentropyForward(
  runner: KernelRunner,
  losses: GPUBuffer,
  logits: GPUBuffer,
  targets: GPUBuffer,
  B: number,
  T: number,
  V: number,
): Promise<void> {
  return runner.run(crossentropyForwardSpec, { losses, logits, targets }, { BT: B * T, V });
}

/** GPU launcher; same signature as crossentropyFusedCpu with buffers for arrays. */
export function crossentropyFused(
  runner: KernelRunner,
  losses: GPUBuffer,
  dlogits: GPUBuffer,
  logits: GPUBuffer,
  dlosses: GPUBuffer,
  targets: GPUBuffer,
  B: number,
  T: number,
  V: number,
): Promise<void> {
  return runner.run(crossentropyFusedSpec, { losses, dlogits, logits, dlosses, targets }, { BT: B * T, V });
}
