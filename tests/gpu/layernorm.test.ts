import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { type LayernormWorkgroupSize, layernormBackward, layernormForward } from '../../shaders/layernorm';
import { layernormBackwardCpu, layernormForwardCpu } from '../../shaders/layernorm.reference';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

function expectClose(name: string, got: Float32Array, want: ArrayLike<number>, terms: number): void {
  const c = compareArrays(got, want, 1e-5 * Math.sqrt(terms), 1e-4);
  expect(c.ok, describeComparison(name, c)).toBe(true);
}

/** Forward, then backward onto non-zero dweight/dbias and a stale dinp; the GPU's results. */
async function runBoth(B: number, T: number, C: number, seed: number, workgroupSize: LayernormWorkgroupSize) {
  const BT = B * T;
  // An offset mean, as in a residual stream: a one-pass variance would lose digits.
  const inp = randomFloats(BT * C, seed, 2).map((x) => x + 3);
  const weight = randomFloats(C, seed + 1);
  const bias = randomFloats(C, seed + 2);
  const dout = randomFloats(BT * C, seed + 3);
  const dweight0 = randomFloats(C, seed + 4);
  const dbias0 = randomFloats(C, seed + 5);
  const buffers = {
    out: createStorageBuffer(gpu, 'out', BT * C),
    mean: createStorageBuffer(gpu, 'mean', BT),
    rstd: createStorageBuffer(gpu, 'rstd', BT),
    inp: createStorageBuffer(gpu, 'inp', inp),
    weight: createStorageBuffer(gpu, 'weight', weight),
    bias: createStorageBuffer(gpu, 'bias', bias),
    dout: createStorageBuffer(gpu, 'dout', dout),
    dinp: createStorageBuffer(gpu, 'dinp', new Float32Array(BT * C).fill(5)),
    dweight: createStorageBuffer(gpu, 'dweight', dweight0),
    dbias: createStorageBuffer(gpu, 'dbias', dbias0),
  };
  const g = buffers;
  const options = { workgroupSize };
  await layernormForward(runner, g.out, g.mean, g.rstd, g.inp, g.weight, g.bias, B, T, C, options);
  await layernormBackward(
    runner,
    g.dinp,
    g.dweight,
    g.dbias,
    g.dout,
    g.inp,
    g.weight,
    g.mean,
    g.rstd,
    B,
    T,
    C,
    options,
  );
  const got = {
    out: await readFloat32(gpu, g.out, BT * C),
    mean: await readFloat32(gpu, g.mean, BT),
    rstd: await readFloat32(gpu, g.rstd, BT),
    dinp: await readFloat32(gpu, g.dinp, BT * C),
    dweight: await readFloat32(gpu, g.dweight, C),
    dbias: await readFloat32(gpu, g.dbias, C),
  };
  for (const b of Object.values(buffers)) b.destroy();
  return { inp, weight, bias, dout, dweight0, dbias0, got };
}

describe('layernorm_forward / layernorm_backward on Dawn vs the CPU reference', () => {
  // C: below, not a multiple of, and above the 64-wide workgroup, up to > 1024;
  // B·T: below, across and exactly at the 32-row blocks of the parameter pass.
  const shapes = [
    [2, 7, 13],
    [1, 3, 30],
    [4, 17, 64],
    [2, 16, 768],
    [1, 33, 1030],
  ] as const;
  for (const [B, T, C] of shapes)
    for (const wg of [64, 4] as const) {
      it(`B=${B} T=${T} C=${C}, ${wg} per row: dinp assigned, dweight/dbias accumulate onto non-zero values`, async () => {
        const BT = B * T;
        const { inp, weight, bias, dout, dweight0, dbias0, got } = await runBoth(B, T, C, B * 100 + T + C, wg);
        const out = new Float64Array(BT * C);
        const mean = new Float64Array(BT);
        const rstd = new Float64Array(BT);
        layernormForwardCpu(out, mean, rstd, inp, weight, bias, B, T, C);
        const dinp = new Float64Array(BT * C);
        const dweight = Float64Array.from(dweight0);
        const dbias = Float64Array.from(dbias0);
        layernormBackwardCpu(dinp, dweight, dbias, dout, inp, weight, mean, rstd, B, T, C);
        expectClose('layernorm_forward out', got.out, out, C);
        expectClose('layernorm_forward mean', got.mean, mean, C);
        expectClose('layernorm_forward rstd', got.rstd, rstd, C);
        expectClose('layernorm_backward dinp', got.dinp, dinp, C);
        expectClose('layernorm_backward dweight', got.dweight, dweight, BT);
        expectClose('layernorm_backward dbias', got.dbias, dbias, BT);
      });
    }

  it('gives bit-identical results for the same inputs twice', async () => {
    const first = await runBoth(3, 15, 100, 9, 64);
    const second = await runBoth(3, 15, 100, 9, 64);
    for (const key of ['out', 'mean', 'rstd', 'dinp', 'dweight', 'dbias'] as const) {
      expect(new Uint32Array(second.got[key].buffer), key).toEqual(new Uint32Array(first.got[key].buffer));
    }
  });
});
