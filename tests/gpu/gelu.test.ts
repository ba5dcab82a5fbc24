import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { geluBackward, geluForward } from '../../shaders/gelu';
import { geluBackwardCpu, geluForwardCpu } from '../../shaders/gelu.reference';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

/** Inputs in [-6, 6) with the large-|x| values where a naive tanh overflows spliced in. */
function inputs(N: number, seed: number): Float32Array {
  const inp = randomFloats(N, seed, 6);
  const special = [-20, 20, -12.5, 12.5, -9, 9, 0, 1e-7, -1e-7, 3];
  special.slice(0, N).forEach((x, i) => {
    inp[(i * 37) % N] = x;
  });
  return inp;
}

function expectClose(name: string, got: Float32Array, want: Float32Array): void {
  const c = compareArrays(got, want, 1e-6, 1e-5);
  expect(c.ok, describeComparison(name, c)).toBe(true);
}

describe('gelu_forward / gelu_backward on Dawn vs the CPU reference', () => {
  // Workgroups are 256 elements: one partial, exactly one, a partial tail, many.
  for (const N of [1, 7, 256, 1000, 4099]) {
    it(`N=${N}, |x| up to 20`, async () => {
      const inp = inputs(N, N);
      const dout = randomFloats(N, N + 1);
      const wantOut = new Float32Array(N);
      const wantDinp = new Float32Array(N);
      geluForwardCpu(wantOut, inp, N);
      geluBackwardCpu(wantDinp, inp, dout, N);

      const inpBuf = createStorageBuffer(gpu, 'inp', inp);
      const doutBuf = createStorageBuffer(gpu, 'dout', dout);
      const outBuf = createStorageBuffer(gpu, 'out', N);
      // dinp is assigned: stale contents must not show through.
      const dinpBuf = createStorageBuffer(gpu, 'dinp', new Float32Array(N).fill(7));
      await geluForward(runner, outBuf, inpBuf, N);
      await geluBackward(runner, dinpBuf, inpBuf, doutBuf, N);
      expectClose('gelu_forward out', await readFloat32(gpu, outBuf, N), wantOut);
      expectClose('gelu_backward dinp', await readFloat32(gpu, dinpBuf, N), wantDinp);
      for (const b of [inpBuf, doutBuf, outBuf, dinpBuf]) b.destroy();
    });
  }

  it('gives bit-identical results for the same inputs twice', async () => {
    const N = 777;
    const inpBuf = createStorageBuffer(gpu, 'inp', inputs(N, 1));
    const doutBuf = createStorageBuffer(gpu, 'dout', randomFloats(N, 2));
    const runs: Uint32Array[] = [];
    for (let i = 0; i < 2; i++) {
      const out = createStorageBuffer(gpu, 'out', N);
      const dinp = createStorageBuffer(gpu, 'dinp', N);
      await geluForward(runner, out, inpBuf, N);
      await geluBackward(runner, dinp, inpBuf, doutBuf, N);
      runs.push(new Uint32Array((await readFloat32(gpu, out)).buffer));
      runs.push(new Uint32Array((await readFloat32(gpu, dinp)).buffer));
      out.destroy();
      dinp.destroy();
    }
    expect(runs[2]).toEqual(runs[0]);
    expect(runs[3]).toEqual(runs[1]);
    inpBuf.destroy();
    doutBuf.destroy();
  });
});
