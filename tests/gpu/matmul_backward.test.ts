import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { type MatmulBackwardVariant, matmulBackward, matmulBackwardVariant } from '../../shaders/matmul_backward';
import { matmulBackwardCpu } from '../../shaders/matmul_backward.reference';

import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

interface Result {
  dinp: Float32Array;
  dweight: Float32Array;
  dbias: Float32Array | null;
}

/**
 * Runs matmul_backward on the GPU and the reference on the CPU from the same
 * seeded inputs. dinp starts as garbage (it must be overwritten); dweight and
 * dbias start non-zero (they must be added to).
 */
async function runBoth(
  variant: MatmulBackwardVariant,
  BT: number,
  C: number,
  OC: number,
  withBias: boolean,
  seed: number,
) {
  const dout = randomFloats(BT * OC, seed);
  const inp = randomFloats(BT * C, seed + 1);
  const weight = randomFloats(OC * C, seed + 2, 1 / Math.sqrt(OC));
  const start = {
    dinp: new Float32Array(BT * C).fill(123),
    dweight: randomFloats(OC * C, seed + 3),
    dbias: withBias ? randomFloats(OC, seed + 4) : null,
  };
  const buffers = {
    dinp: createStorageBuffer(gpu, 'dinp', start.dinp),
    dweight: createStorageBuffer(gpu, 'dweight', start.dweight),
    dbias: start.dbias ? createStorageBuffer(gpu, 'dbias', start.dbias) : null,
    dout: createStorageBuffer(gpu, 'dout', dout),
    inp: createStorageBuffer(gpu, 'inp', inp),
    weight: createStorageBuffer(gpu, 'weight', weight),
  };
  try {
    const b = buffers;
    await matmulBackward(runner, b.dinp, b.dweight, b.dbias, b.dout, b.inp, b.weight, BT, C, OC, variant);
    const got: Result = {
      dinp: await readFloat32(gpu, b.dinp, BT * C),
      dweight: await readFloat32(gpu, b.dweight, OC * C),
      dbias: b.dbias ? await readFloat32(gpu, b.dbias, OC) : null,
    };
    const want: Result = {
      dinp: start.dinp.slice(),
      dweight: start.dweight.slice(),
      dbias: start.dbias?.slice() ?? null,
    };
    matmulBackwardCpu(want.dinp, want.dweight, want.dbias, dout, inp, weight, BT, C, OC);
    return { got, want, start };
  } finally {
    for (const b of Object.values(buffers)) b?.destroy();
  }
}

/** f32 sums of K terms vs the float64-accumulated reference. */
function expectClose(name: string, got: Float32Array, want: Float32Array, K: number) {
  const c = compareArrays(got, want, 1e-5 * Math.sqrt(K), 1e-4);
  expect(c.ok, describeComparison(name, c)).toBe(true);
}

// [BT, C, OC]: one element, odd sizes and primes that leave the 64x32 tiles
// partly empty, C not a multiple of 4, exact fits, several tiles each way.
const SCALAR_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [17, 5, 33],
  [3, 130, 7],
  [65, 13, 31],
  [64, 64, 64],
  [100, 33, 70],
  [128, 96, 200],
];
// The vec4 kernels need C and OC multiples of 4: the same sizes rounded up
// (OC = 36, 68: the upper half of an 8-channel block is out of range).
const VEC4_SHAPES: [number, number, number][] = [
  [1, 4, 4],
  [17, 8, 36],
  [3, 132, 8],
  [65, 16, 28],
  [64, 64, 64],
  [100, 36, 68],
  [128, 96, 200],
];

for (const variant of ['scalar', 'vec4'] as const) {
  describe(`matmul_backward (${variant}) on Dawn vs the CPU reference`, () => {
    const shapes = variant === 'scalar' ? SCALAR_SHAPES : VEC4_SHAPES;
    for (const [BT, C, OC] of shapes) {
      for (const withBias of [true, false]) {
        it(`BT=${BT} C=${C} OC=${OC}${withBias ? ' +dbias' : ''}`, async () => {
          const { got, want } = await runBoth(variant, BT, C, OC, withBias, BT * 3 + C);
          expectClose('dinp', got.dinp, want.dinp, OC);
          expectClose('dweight', got.dweight, want.dweight, BT);
          if (withBias) expectClose('dbias', got.dbias as Float32Array, want.dbias as Float32Array, BT);
        });
      }
    }

    it('adds to dweight and dbias (they start non-zero) and overwrites dinp', async () => {
      const [BT, C, OC] = variant === 'scalar' ? [9, 6, 11] : [9, 8, 12];
      const { got, start } = await runBoth(variant, BT, C, OC, true, 42);
      // Against a fresh reference from zero: got = start + fresh for parameters, got = fresh for dinp.
      const fresh = { dinp: new Float32Array(BT * C), dweight: new Float32Array(OC * C), dbias: new Float32Array(OC) };
      const dout = randomFloats(BT * OC, 42);
      const inp = randomFloats(BT * C, 43);
      const weight = randomFloats(OC * C, 44, 1 / Math.sqrt(OC));
      matmulBackwardCpu(fresh.dinp, fresh.dweight, fresh.dbias, dout, inp, weight, BT, C, OC);
      const sum = (a: Float32Array, b: Float32Array) => a.map((v, i) => v + (b[i] as number));
      expectClose('dinp (assigned)', got.dinp, fresh.dinp, OC);
      expectClose('dweight (accumulated)', got.dweight, sum(start.dweight, fresh.dweight), BT);
      expectClose('dbias (accumulated)', got.dbias as Float32Array, sum(start.dbias as Float32Array, fresh.dbias), BT);
      // The start values are far from zero, so a kernel that assigned would fail above.
      expect(start.dweight.some((v) => Math.abs(v) > 0.5)).toBe(true);
    });

    it('gives bit-identical results for the same inputs twice', async () => {
      const first = await runBoth(variant, 70, 36, 44, true, 8);
      const second = await runBoth(variant, 70, 36, 44, true, 8);
      for (const key of ['dinp', 'dweight', 'dbias'] as const) {
        const a = first.got[key] as Float32Array;
        const b = second.got[key] as Float32Array;
        expect(new Uint32Array(b.buffer), key).toEqual(new Uint32Array(a.buffer));
      }
    });
  });
}

it('matmul_backward picks vec4 only for C and OC multiples of 4, and refuses it otherwise', async () => {
  expect([matmulBackwardVariant(8, 12), matmulBackwardVariant(6, 12), matmulBackwardVariant(8, 10)]).toEqual([
    'vec4',
    'scalar',
    'scalar',
  ]);
  const b = createStorageBuffer(gpu, 'b', 64);
  await expect(matmulBackward(runner, b, b, null, b, b, b, 2, 6, 4, 'vec4')).rejects.toThrow(/C = 6/);
  b.destroy();
});
