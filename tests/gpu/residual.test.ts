import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import {
  residualAccumulate,
  residualAccumulateSpec,
  residualForward,
  residualForwardSpec,
} from '../../shaders/residual';
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

/** The launchers (vec4 kernels when N % 4 == 0), or the scalar kernels forced. */
async function check(N: number, forceScalar = false): Promise<void> {
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
  if (forceScalar) await runner.run(residualForwardSpec, { out, inp1: a, inp2: b }, { N });
  else await residualForward(runner, out, a, b, N);
  expectClose('residual_forward out', await readFloat32(gpu, out, N), wantOut);
  // a += b
  if (forceScalar) await runner.run(residualAccumulateSpec, { dst: a, src: b }, { N });
  else await residualAccumulate(runner, a, b, N);
  expectClose('residual_accumulate dst', await readFloat32(gpu, a, N), wantDst);
  for (const buffer of buffers) buffer.destroy();
}

describe('residual_forward / residual_accumulate on Dawn vs the CPU reference', () => {
  // N % 4 != 0 runs the scalar kernels, N % 4 == 0 the vec4 ones; tails of a workgroup either way.
  for (const N of [1, 13, 256, 1000, 2 * 7 * 30, 4 * 1027]) {
    it(`N=${N}`, () => check(N));
  }

  for (const N of [256, 1000]) {
    it(`N=${N} on the scalar kernels`, () => check(N, true));
  }

  // Odd N: the scalar kernels, whose grid folds here. The vec4 kernels fold only
  // past 4·256·65535 floats (256 MiB a buffer, over SwiftShader's binding limit).
  it('covers N past 65535 workgroups of 256 (the grid folds into y)', () => check(65535 * 256 + 301));

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
