import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { MATMUL_FORWARD_VARIANTS, type MatmulForwardVariant, matmulForwardVariant } from '../../shaders/matmul_forward';
import { matmulForwardCpu } from '../../shaders/matmul_forward.reference';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

// [BT, C, OC]: a single element, odd sizes and primes that leave every
// variant's blocks (16x16, 64x32, 64x64) partly empty, C not a multiple of 4,
// exact fits, and more than one workgroup in both directions.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [17, 5, 33],
  [3, 130, 7],
  [64, 64, 64],
  [100, 33, 257],
  [128, 96, 200],
  [65, 13, 31],
];
// direct_vec4 needs C % 4 == 0: the same odd BT and OC with C rounded up.
const VEC4_SHAPES: [number, number, number][] = [
  [1, 4, 1],
  [17, 8, 33],
  [3, 132, 7],
  [64, 64, 64],
  [100, 36, 257],
  [128, 96, 200],
  [65, 16, 31],
];

/** Runs one variant on seeded data; returns GPU output and the float64-accumulated reference. */
async function runVariant(
  variant: MatmulForwardVariant,
  [BT, C, OC]: [number, number, number],
  withBias: boolean,
  seed: number,
) {
  const inp = randomFloats(BT * C, seed);
  const weight = randomFloats(OC * C, seed + 1, 1 / Math.sqrt(C));
  const bias = withBias ? randomFloats(OC, seed + 2) : null;
  const buffers = {
    out: createStorageBuffer(gpu, 'out', BT * OC),
    inp: createStorageBuffer(gpu, 'inp', inp),
    weight: createStorageBuffer(gpu, 'weight', weight),
    bias: bias ? createStorageBuffer(gpu, 'bias', bias) : null,
  };
  try {
    await matmulForwardVariant(variant, runner, buffers.out, buffers.inp, buffers.weight, buffers.bias, BT, C, OC);
    const got = await readFloat32(gpu, buffers.out, BT * OC);
    const want = new Float32Array(BT * OC);
    matmulForwardCpu(want, inp, weight, bias, BT, C, OC);
    return { got, want };
  } finally {
    for (const b of Object.values(buffers)) b?.destroy();
  }
}

for (const variant of Object.keys(MATMUL_FORWARD_VARIANTS) as MatmulForwardVariant[]) {
  const shapes = variant === 'direct_vec4' ? VEC4_SHAPES : SHAPES;
  describe(`${MATMUL_FORWARD_VARIANTS[variant].spec.name} vs the CPU reference`, () => {
    it('matches at every shape, with and without bias', async () => {
      for (const shape of shapes) {
        for (const withBias of [true, false]) {
          const [BT, C, OC] = shape;
          const { got, want } = await runVariant(variant, shape, withBias, BT * 7 + OC);
          // f32 sums of C terms vs a float64 reference.
          const comparison = compareArrays(got, want, 1e-5 * Math.sqrt(C), 1e-4);
          const name = `${variant} BT=${BT} C=${C} OC=${OC}${withBias ? ' +bias' : ''}`;
          expect(comparison.ok, describeComparison(name, comparison)).toBe(true);
        }
      }
    });

    it('gives bit-identical results for the same inputs twice', async () => {
      const shape: [number, number, number] = variant === 'direct_vec4' ? [33, 72, 45] : [33, 70, 45];
      const first = await runVariant(variant, shape, true, 5);
      const second = await runVariant(variant, shape, true, 5);
      expect(new Uint32Array(second.got.buffer)).toEqual(new Uint32Array(first.got.buffer));
    });
  });
}

it('matmul_forward_direct_vec4 refuses C not a multiple of 4', async () => {
  const b = createStorageBuffer(gpu, 'b', 64);
  await expect(matmulForwardVariant('direct_vec4', runner, b, b, b, null, 2, 6, 2)).rejects.toThrow(/C = 6/);
  b.destroy();
});
