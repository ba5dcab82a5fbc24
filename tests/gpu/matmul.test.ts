import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { type MatmulShape, runMatmulCheck } from '../../client/gpu/matmul-check';
import { KernelRunner } from '../../client/gpu/runner';
import { describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { matmulForward } from '../../shaders/matmul_forward';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

// Workgroups are 16x16 outputs: these shapes fill them exactly, leave them
// partly empty (odd sizes, primes), are smaller than one, and span many.
const SHAPES: MatmulShape[] = [
  { BT: 1, C: 1, OC: 1, bias: true },
  { BT: 16, C: 16, OC: 16, bias: true },
  { BT: 17, C: 5, OC: 33, bias: true },
  { BT: 3, C: 130, OC: 7, bias: false },
  { BT: 64, C: 64, OC: 64, bias: true },
  { BT: 100, C: 33, OC: 257, bias: false },
  { BT: 128, C: 96, OC: 200, bias: true },
];

describe('matmul_forward on Dawn vs the CPU reference', () => {
  for (const shape of SHAPES) {
    it(`BT=${shape.BT} C=${shape.C} OC=${shape.OC}${shape.bias ? ' +bias' : ''}`, async () => {
      const result = await runMatmulCheck(runner, shape, shape.BT * 7 + shape.OC);
      expect(result.comparison.ok, describeComparison('matmul_forward', result.comparison)).toBe(true);
      expect(result.comparison.count).toBe(shape.BT * shape.OC);
    });
  }

  it('gives bit-identical results for the same inputs twice', async () => {
    const [BT, C, OC] = [33, 70, 45];
    const inp = createStorageBuffer(gpu, 'inp', randomFloats(BT * C, 5));
    const weight = createStorageBuffer(gpu, 'weight', randomFloats(OC * C, 6));
    const bias = createStorageBuffer(gpu, 'bias', randomFloats(OC, 7));
    const outs = [createStorageBuffer(gpu, 'out1', BT * OC), createStorageBuffer(gpu, 'out2', BT * OC)];
    const results: Float32Array[] = [];
    for (const out of outs) {
      await matmulForward(runner, out, inp, weight, bias, BT, C, OC);
      results.push(await readFloat32(gpu, out));
    }
    const [first, second] = results as [Float32Array, Float32Array];
    expect(new Uint32Array(second.buffer)).toEqual(new Uint32Array(first.buffer));
    for (const b of [inp, weight, bias, ...outs]) b.destroy();
  });
});
