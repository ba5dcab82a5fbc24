import { defineKernel, F32_BYTES, type KernelSpec } from '../client/gpu/kernel';
import type { KernelRunner } from '../client/gpu/runner';
import wgsl from './matmul_forward.wgsl?raw';
import blockedWgsl from './matmul_forward_blocked.wgsl?raw';
import directWgsl from './matmul_forward_direct.wgsl?raw';
import directVec4Wgsl from './matmul_forward_direct_vec4.wgsl?raw';
import tiledWgsl from './matmul_forward_tiled.wgsl?raw';

/**
 * matmul_forward: out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC), in
 * several variants with the same bindings and uniforms. Which is fastest
 * depends on the adapter; matmul_select.ts measures and picks.
 */

type Binding = 'out' | 'inp' | 'weight' | 'bias';
type Uniform = 'BT' | 'C' | 'OC' | 'has_bias';
export type MatmulForwardSpec = KernelSpec<Binding, Uniform>;

/**
 * One forward spec; each workgroup covers `rows` rows (of BT) x `channels`
 * output channels (of OC), so the dispatch is (OC / channels, BT / rows) rounded up.
 */
function forwardSpec(
  name: string,
  source: string,
  workgroupSize: readonly [number, number, number],
  block: { rows: number; channels: number },
): MatmulForwardSpec {
  return defineKernel({
    name,
    wgsl: source,
    bindings: [
      { name: 'out', access: 'read_write', bytes: (u) => u.BT * u.OC * F32_BYTES }, // (BT, OC)
      { name: 'inp', access: 'read', bytes: (u) => u.BT * u.C * F32_BYTES }, // (BT, C)
      { name: 'weight', access: 'read', bytes: (u) => u.OC * u.C * F32_BYTES }, // (OC, C)
      { name: 'bias', access: 'read', bytes: (u) => u.OC * F32_BYTES, optional: true }, // (OC)
    ],
    uniforms: [
      { name: 'BT', type: 'u32' },
      { name: 'C', type: 'u32' },
      { name: 'OC', type: 'u32' },
      { name: 'has_bias', type: 'u32' },
    ],
    workgroupSize,
    dispatch: (u) => [Math.ceil(u.OC / block.channels), Math.ceil(u.BT / block.rows), 1],
  });
}

/** One invocation per output, 16x16 workgroups; the baseline every variant is held to. */
export const matmulForwardSpec = forwardSpec('matmul_forward', wgsl, [16, 16, 1], { rows: 16, channels: 16 });

/** 16x16 tiles of inp and weight in workgroup memory, one output per invocation. */
export const matmulForwardTiledSpec = forwardSpec('matmul_forward_tiled', tiledWgsl, [16, 16, 1], {
  rows: 16,
  channels: 16,
});

/** 64x16 tiles in workgroup memory, 4x4 outputs per invocation: the GPU-style fast kernel. */
export const matmulForwardBlockedSpec = forwardSpec('matmul_forward_blocked', blockedWgsl, [16, 16, 1], {
  rows: 64,
  channels: 64,
});

/** 8x4 outputs per invocation straight from global memory: the CPU-adapter-style kernel. */
export const matmulForwardDirectSpec = forwardSpec('matmul_forward_direct', directWgsl, [8, 8, 1], {
  rows: 64,
  channels: 32,
});

/** matmul_forward_direct reading vec4 along C; only for C % 4 == 0. */
export const matmulForwardDirectVec4Spec = forwardSpec('matmul_forward_direct_vec4', directVec4Wgsl, [8, 8, 1], {
  rows: 64,
  channels: 32,
});

export type MatmulForwardVariant = 'naive' | 'tiled' | 'blocked' | 'direct' | 'direct_vec4';

/** Every forward variant, with the shapes it supports. */
export const MATMUL_FORWARD_VARIANTS: Record<
  MatmulForwardVariant,
  { spec: MatmulForwardSpec; supports: (C: number) => boolean }
> = {
  naive: { spec: matmulForwardSpec, supports: () => true },
  tiled: { spec: matmulForwardTiledSpec, supports: () => true },
  blocked: { spec: matmulForwardBlockedSpec, supports: () => true },
  direct: { spec: matmulForwardDirectSpec, supports: () => true },
  direct_vec4: { spec: matmulForwardDirectVec4Spec, supports: (C) => C % 4 === 0 },
};

/** Every forward spec, for a registry that compiles them all. */
export const matmulForwardSpecs = Object.values(MATMUL_FORWARD_VARIANTS).map((v) => v.spec);

/** The uniforms of a forward call. */
export function matmulForwardUniforms(bias: GPUBuffer | null, BT: number, C: number, OC: number) {
  return { BT, C, OC, has_bias: bias === null ? 0 : 1 };
}

/** GPU launcher of one variant; same signature as matmulForwardCpu with buffers for arrays. */
export function matmulForwardVariant(
  variant: MatmulForwardVariant,
  runner: KernelRunner,
  out: GPUBuffer,
  inp: GPUBuffer,
  weight: GPUBuffer,
  bias: GPUBuffer | null,
  BT: number,
  C: number,
  OC: number,
): Promise<void> {
  const { spec, supports } = MATMUL_FORWARD_VARIANTS[variant];
  if (!supports(C)) return Promise.reject(new Error(`${spec.name} does not support C = ${C}`));
  return runner.run(spec, { out, inp, weight, bias }, matmulForwardUniforms(bias, BT, C, OC));
}

/** GPU launcher of the naive kernel; same signature as matmulForwardCpu with buffers for arrays. */
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
  return matmulForwardVariant('naive', runner, out, inp, weight, bias, BT, C, OC);
}
