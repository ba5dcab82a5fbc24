import { defineKernel, F32_BYTES, type KernelSpec } from '../client/gpu/kernel';
import type { KernelRunner, PreparedDispatch } from '../client/gpu/runner';
import dinpWgsl from './matmul_backward_dinp.wgsl?raw';
import dinpVec4Wgsl from './matmul_backward_dinp_vec4.wgsl?raw';
import dweightWgsl from './matmul_backward_dweight.wgsl?raw';
import dweightVec4Wgsl from './matmul_backward_dweight_vec4.wgsl?raw';

/**
 * matmul_backward (llm.c), for out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC),
 * as two dispatches: dinp = dout · weight (assigned), then dweight += doutᵀ · inp
 * with dbias += Σ_bt dout folded into the same kernel (accumulated).
 * Each comes as a scalar kernel for any shape and a vec4 kernel for C and OC
 * multiples of 4 (GPT's widths); the launcher takes vec4 whenever it can.
 */

type DinpBinding = 'dinp' | 'dout' | 'weight';
type DweightBinding = 'dweight' | 'dbias' | 'dout' | 'inp';

/** dinp(BT, C) = dout(BT, OC) · weight(OC, C); each workgroup 64 rows x 32 columns. */
function dinpSpec(name: string, wgsl: string): KernelSpec<DinpBinding, 'BT' | 'C' | 'OC'> {
  return defineKernel({
    name,
    wgsl,
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
}

/** dweight(OC, C) += dout(BT, OC)ᵀ · inp(BT, C), dbias(OC) += Σ_bt dout; each workgroup 64 channels x 32 columns. */
function dweightSpec(name: string, wgsl: string): KernelSpec<DweightBinding, 'BT' | 'C' | 'OC' | 'has_dbias'> {
  return defineKernel({
    name,
    wgsl,
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
}

export const matmulBackwardDinpSpec = dinpSpec('matmul_backward_dinp', dinpWgsl);
export const matmulBackwardDweightSpec = dweightSpec('matmul_backward_dweight', dweightWgsl);
/** Only for C % 4 == 0 and OC % 4 == 0. */
export const matmulBackwardDinpVec4Spec = dinpSpec('matmul_backward_dinp_vec4', dinpVec4Wgsl);
/** Only for C % 4 == 0 and OC % 4 == 0. */
export const matmulBackwardDweightVec4Spec = dweightSpec('matmul_backward_dweight_vec4', dweightVec4Wgsl);

/** Every backward spec, for a registry that compiles them all. */
export const matmulBackwardSpecs = [
  matmulBackwardDinpSpec,
  matmulBackwardDweightSpec,
  matmulBackwardDinpVec4Spec,
  matmulBackwardDweightVec4Spec,
];

export type MatmulBackwardVariant = 'scalar' | 'vec4';

/** vec4 when the shape allows it: never slower, ~2x on SwiftShader. */
export function matmulBackwardVariant(C: number, OC: number): MatmulBackwardVariant {
  return C % 4 === 0 && OC % 4 === 0 ? 'vec4' : 'scalar';
}

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
  variant: MatmulBackwardVariant = matmulBackwardVariant(C, OC),
): Promise<PreparedDispatch[]> {
  if (variant === 'vec4' && matmulBackwardVariant(C, OC) !== 'vec4') {
    throw new Error(`matmul_backward vec4 needs C and OC multiples of 4 (C = ${C}, OC = ${OC})`);
  }
  const vec4 = variant === 'vec4';
  return [
    await runner.prepare(
      vec4 ? matmulBackwardDinpVec4Spec : matmulBackwardDinpSpec,
      { dinp, dout, weight },
      { BT, C, OC },
    ),
    await runner.prepare(
      vec4 ? matmulBackwardDweightVec4Spec : matmulBackwardDweightSpec,
      { dweight, dbias, dout, inp },
      { BT, C, OC, has_dbias: dbias === null ? 0 : 1 },
    ),
  ];
}

/** GPU launcher; same signature as matmulBackwardCpu with buffers for arrays (plus an optional variant). */
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
  variant: MatmulBackwardVariant = matmulBackwardVariant(C, OC),
): Promise<void> {
  const prepared = await prepareMatmulBackward(runner, dinp, dweight, dbias, dout, inp, weight, BT, C, OC, variant);
  try {
    await runner.submit(prepared);
  } finally {
    for (const p of prepared) p.uniformBuffer?.destroy();
  }
}
