import { createStorageBuffer, writeStorageBuffer } from '../client/gpu/buffers';
import { defineKernel, F32_BYTES, type KernelSpec } from '../client/gpu/kernel';
import type { KernelRunner, PreparedDispatch } from '../client/gpu/runner';
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
 * The encoder backward for a training step, allocated and prepared once: the
 * bucket buffers are sized for any batch of B·T ids (S = min(B·T, V) slots),
 * so each step only rewrites them (setTokens) and submits `dispatches` — no
 * allocation, no new bind groups. dwte and dwpe accumulate.
 */
export interface EncoderBackwardPlan {
  /** encoder_backward_wte, then encoder_backward_wpe. */
  dispatches: PreparedDispatch[];
  /** Buckets this step's ids (B·T of them) and queues the upload; RangeError on an id ≥ V. */
  setTokens: (inp: Uint32Array) => void;
  destroy: () => void;
}

export async function prepareEncoderBackward(
  runner: KernelRunner,
  dwte: GPUBuffer,
  dwpe: GPUBuffer,
  dout: GPUBuffer,
  B: number,
  T: number,
  C: number,
  V: number,
): Promise<EncoderBackwardPlan> {
  const gpu = runner.gpu;
  const buckets = createStorageBuffer(gpu, 'encoder buckets', encoderBucketSlots(B * T, V) * 3);
  const positions = createStorageBuffer(gpu, 'encoder positions', B * T);
  const dispatches = [
    await runner.prepare(encoderBackwardWteSpec, { dwte, dout, buckets, positions }, { B, T, C, V }),
    await runner.prepare(encoderBackwardWpeSpec, { dwpe, dout }, { B, T, C }),
  ];
  return {
    dispatches,
    setTokens: (inp) => {
      const sorted = bucketPositionsByToken(inp, B * T, V);
      writeStorageBuffer(gpu, buckets, sorted.buckets);
      writeStorageBuffer(gpu, positions, sorted.positions);
    },
    destroy: () => {
      for (const d of dispatches) d.uniformBuffer?.destroy();
      buckets.destroy();
      positions.destroy();
    },
  };
}

/**
 * GPU launcher; encoderBackwardCpu's signature with buffers for the float
 * arrays. inp stays a CPU Uint32Array: the positions are bucketed by token on
 * the CPU (encoder_buckets.ts says why); an id ≥ V throws a RangeError before
 * anything is dispatched. dwte and dwpe accumulate. One-off: it allocates;
 * a training step uses prepareEncoderBackward.
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
  const plan = await prepareEncoderBackward(runner, dwte, dwpe, dout, B, T, C, V);
  try {
    plan.setTokens(inp);
    await runner.submit(plan.dispatches);
  } finally {
    plan.destroy();
  }
}
