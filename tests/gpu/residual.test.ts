import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { residualAccumulate, residualForward } from '../../shaders/residual';
import { residualAccumulateCpu, residualForwardCpu } from '../../shaders/residual.reference';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

function expectClose(name: string, got: Float32Array, want: Float32Array): void {
  // One f32 addition: the GPU and the reference round the same sum.
  const c = compareArrays(got, want, 0, 1e-7);
  expect(c.ok, describeComparison(name, c)).toBe(true);
}

async function check(N: number): Promise<void> {
  const inp1 = randomFloats(N, N);
  const inp2 = randomFloats(N, N + 1);
  const wantOut = new Float32Array(N);
  residualForwardCpu(wantOut, inp1, inp2, N);
  const wantDst = Float32Array.from(inp1);
  residualAccumulateCpu(wantDst, inp2, N);

  const buffers = [
    createStorageBuffer(gpu, 'inp1', inp1),
    createStorageBuffer(gpu, 'inp2', inp2),
    createStorageBuffer(gpu, 'out', N),
  ] as const;
  const [a, b, out] = buffers;
  await residualForward(runner, out, a, b, N);
  expectClose('residual_forward out', await readFloat32(gpu, out, N), wantOut);
  await residualAccumulate(runner, a, b, N); // a += b
  expectClose('residual_accumulate dst', await readFloat32(gpu, a, N), wantDst);
  for (const buffer of buffers) buffer.destroy();
}

describe('residual_forward / residual_accumulate on Dawn vs the CPU reference', () => {
  for (const N of [1, 13, 256, 1000, 2 * 7 * 30]) {
    it(`N=${N}`, () => check(N));
  }

  it('covers N past 65535 workgroups of 256 (the grid folds into y)', () => check(65535 * 256 + 300));

  it('gives bit-identical results for the same inputs twice', async () => {
    const N = 999;
    const a = createStorageBuffer(gpu, 'inp1', randomFloats(N, 1));
    const b = createStorageBuffer(gpu, 'inp2', randomFloats(N, 2));
    const runs: Uint32Array[] = [];
    for (let i = 0; i < 2; i++) {
      const out = createStorageBuffer(gpu, 'out', N);
      await residualForward(runner, out, a, b, N);
      runs.push(new Uint32Array((await readFloat32(gpu, out)).buffer));
      out.destroy();
    }
    expect(runs[1]).toEqual(runs[0]);
    a.destroy();
    b.destroy();
  });
});
