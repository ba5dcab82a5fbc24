import { matmulForward } from '../../shaders/matmul_forward';
import { matmulForwardCpu } from '../../shaders/matmul_forward.reference';
import { type Comparison, compareArrays } from '../numerics/compare';
import { randomFloats } from '../numerics/random';
import { createStorageBuffer, readFloat32 } from './buffers';
import type { KernelRunner } from './runner';

/** Shape of one matmul check: out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias. */
export interface MatmulShape {
  BT: number;
  C: number;
  OC: number;
  bias: boolean;
}

/** Shapes the site and `npm run gpu:check` run: square, odd sizes that leave 16x16 workgroups partly empty, no bias. */
export const MATMUL_CHECK_SHAPES: readonly MatmulShape[] = [
  { BT: 64, C: 64, OC: 64, bias: true },
  { BT: 37, C: 45, OC: 29, bias: true },
  { BT: 100, C: 33, OC: 257, bias: false },
];

export interface MatmulCheckResult {
  shape: MatmulShape;
  comparison: Comparison;
  /** Wall time of the GPU call including readback, milliseconds. */
  gpuMs: number;
  /** Wall time of the CPU reference, milliseconds. */
  cpuMs: number;
}

/** f32 accumulation over C terms vs a float64 reference: 1e-5 + 1e-4 relative is ample. */
export const MATMUL_ATOL = 1e-5;
export const MATMUL_RTOL = 1e-4;

/**
 * Runs matmul_forward on the GPU and on the CPU with the same seeded inputs
 * and compares them. Used by the site's GPU check, the CLI and the tests.
 */
export async function runMatmulCheck(runner: KernelRunner, shape: MatmulShape, seed = 1): Promise<MatmulCheckResult> {
  const { BT, C, OC } = shape;
  const inp = randomFloats(BT * C, seed);
  const weight = randomFloats(OC * C, seed + 1, 1 / Math.sqrt(C));
  const bias = shape.bias ? randomFloats(OC, seed + 2) : null;

  const gpu = runner.gpu;
  const buffers = [
    createStorageBuffer(gpu, 'out', BT * OC),
    createStorageBuffer(gpu, 'inp', inp),
    createStorageBuffer(gpu, 'weight', weight),
    ...(bias ? [createStorageBuffer(gpu, 'bias', bias)] : []),
  ] as const;
  const [outBuffer, inpBuffer, weightBuffer] = buffers;
  try {
    const gpuStart = performance.now();
    await matmulForward(runner, outBuffer, inpBuffer, weightBuffer, buffers[3] ?? null, BT, C, OC);
    const got = await readFloat32(gpu, outBuffer, BT * OC);
    const gpuMs = performance.now() - gpuStart;

    const want = new Float32Array(BT * OC);
    const cpuStart = performance.now();
    matmulForwardCpu(want, inp, weight, bias, BT, C, OC);
    const cpuMs = performance.now() - cpuStart;
    return { shape, comparison: compareArrays(got, want, MATMUL_ATOL, MATMUL_RTOL), gpuMs, cpuMs };
  } finally {
    for (const b of buffers) b.destroy();
  }
}
