import { createStorageBuffer } from '../client/gpu/buffers';
import { defineKernel, F32_BYTES, type KernelSpec } from '../client/gpu/kernel';
import type { KernelRunner } from '../client/gpu/runner';
import { blockGrid, elementGrid } from './elementwise_grid';
import backwardWpeWgsl from './encoder_backward_wpe.wgsl?raw';
import backwardWteWgsl from './encoder_backward_wte.wgsl?raw';
import { bucketPositionsByToken, encoderBucketSlots } from './encoder_buckets';
import forwardWgsl from './encoder_forward.wgsl?raw';

const U32_BYTES = 4;

/** Spec of encoder_forward.wgsl: out(B,T,C) = wte(V,C)[inp(B,T)] + wpe(T,C); NaN rows for ids ≥ V. */
export const encoderForwardSpec = defineKernel({
  name: 'encoder_forward',
  wgsl: forwardWgsl,
  bindings: [
    { name: 'out', access: 'read_write', bytes: (u) => u.B * u.T * u.C * F32_BYTES },
    { name: 'inp', access: 'read', bytes: (u) => u.B * u.T * U32_BYTES },
    { name: 'wte', access: 'read', bytes: (u) => u.V * u.C * F32_BYTES },
    { name: 'wpe', access: 'read', bytes: (u) => u.T * u.C * F32_BYTES },
  ],
  uniforms: [
    { name: 'B', type: 'u32' },
    { name: 'T', type: 'u32' },
    { name: 'C', type: 'u32' },
    { name: 'V', type: 'u32' },
  ],
  workgroupSize: [256, 1, 1],
  dispatch: (u) => elementGrid(u.B * u.T * u.C, 256),
});

/** Spec of encoder_backward_wte.wgsl: dwte(V,C) += dout summed per token, from CPU-made buckets. */
export const encoderBackwardWteSpec = defineKernel({
  name: 'encoder_backward_wte',
  wgsl: backwardWteWgsl,
  bindings: [
    { name: 'dwte', access: 'read_write', bytes: (u) => u.V * u.C * F32_BYTES },
    { name: 'dout', access: 'read', bytes: (u) => u.B * u.T * u.C * F32_BYTES },
    { name: 'buckets', access: 'read', bytes: (u) => encoderBucketSlots(u.B * u.T, u.V) * 3 * U32_BYTES },
    { name: 'positions', access: 'read', bytes: (u) => u.B * u.T * U32_BYTES },
  ],
  uniforms: [
    { name: 'B', type: 'u32' },
    { name: 'T', type: 'u32' },
    { name: 'C', type: 'u32' },
    { name: 'V', type: 'u32' },
  ],
  workgroupSize: [64, 1, 1],
  // x: channel blocks; y, z: slots folded at 65535.
  dispatch: (u) => {
    const [y, z] = blockGrid(encoderBucketSlots(u.B * u.T, u.V));
    return [Math.ceil(u.C / 64), y, z];
  },
});

/** Spec of encoder_backward_wpe.wgsl: dwpe(T,C) += Σ_b dout(B,T,C). */
export const encoderBackwardWpeSpec = defineKernel({
  name: 'encoder_backward_wpe',
  wgsl: backwardWpeWgsl,
  bindings: [
    { name: 'dwpe', access: 'read_write', bytes: (u) => u.T * u.C * F32_BYTES },
    { name: 'dout', access: 'read', bytes: (u) => u.B * u.T * u.C * F32_BYTES },
  ],
  uniforms: [
    { name: 'B', type: 'u32' },
    { name: 'T', type: 'u32' },
    { name: 'C', type: 'u32' },
  ],
  workgroupSize: [256, 1, 1],
  dispatch: (u) => elementGrid(u.T * u.C, 256),
});

export const encoderSpecs: readonly KernelSpec[] = [encoderForwardSpec, encoderBackwardWteSpec, encoderBackwardWpeSpec];

/** GPU launcher; encoderForwardCpu's signature with buffers (inp: u32 token ids). */
export function encoderForward(
  runner: KernelRunner,
  out: GPUBuffer,
  inp: GPUBuffer,
  wte: GPUBuffer,
  wpe: GPUBuffer,
  B: number,
  T: number,
  C: number,
  V: number,
): Promise<void> {
  return runner.run(encoderForwardSpec, { out, inp, wte, wpe }, { B, T, C, V });
}

/**
 * GPU launcher; encoderBackwardCpu's signature with buffers for the float
 * arrays. inp stays a CPU Uint32Array: the positions are bucketed by token
 * here (encoder_buckets.ts) and uploaded for this call; an id ≥ V throws a
 * RangeError before anything is dispatched. dwte and dwpe accumulate.
 */
export async function encoderBackward(
  runner: KernelRunner,
  dwte: GPUBuffer,
  dwpe: GPUBuffer,
  dout: GPUBuffer,
  inp: Uint32Array,
  B: number,
  T: number,
  C: number,
  V: number,
): Promise<void> {
  const sorted = bucketPositionsByToken(inp, B * T, V);
  const buckets = createStorageBuffer(runner.gpu, 'encoder buckets', sorted.buckets);
  const positions = createStorageBuffer(runner.gpu, 'encoder positions', sorted.positions);
  try {
    const wte = await runner.prepare(encoderBackwardWteSpec, { dwte, dout, buckets, positions }, { B, T, C, V });
    const wpe = await runner.prepare(encoderBackwardWpeSpec, { dwpe, dout }, { B, T, C });
    try {
      await runner.submit([wte, wpe]);
    } finally {
      wte.uniformBuffer?.destroy();
      wpe.uniformBuffer?.destroy();
    }
  } finally {
    buckets.destroy();
    positions.destroy();
  }
}
