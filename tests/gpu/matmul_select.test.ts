import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Autotuner, adapterKey, type Timer } from '../../client/gpu/autotune';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { MATMUL_FORWARD_VARIANTS, type MatmulForwardVariant } from '../../shaders/matmul_forward';
import { matmulForwardCpu } from '../../shaders/matmul_forward.reference';
import { chooseMatmulForward, matmulForwardAuto, matmulForwardBucket } from '../../shaders/matmul_select';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

const VARIANTS = Object.keys(MATMUL_FORWARD_VARIANTS) as MatmulForwardVariant[];

/** A timer that still runs each candidate (so real dispatches happen) but reports fixed times. */
function fakeTimer(fastest: MatmulForwardVariant) {
  const calls: string[] = [];
  const timer: Timer = async (candidate) => {
    await candidate.run();
    calls.push(candidate.name);
    return candidate.name === fastest ? 1 : 10;
  };
  return { timer, calls };
}

describe('chooseMatmulForward', () => {
  it('follows the measurements: whichever variant times fastest is chosen', async () => {
    const shape = { BT: 20, C: 12, OC: 24, bias: true };
    for (const fastest of VARIANTS) {
      const { timer, calls } = fakeTimer(fastest);
      expect(await chooseMatmulForward(runner, shape, new Autotuner(timer))).toBe(fastest);
      expect(calls).toEqual(VARIANTS); // C % 4 == 0: all of them measured
    }
  });

  it('measures a bucket once, keyed by adapter and shape bucket', async () => {
    const { timer, calls } = fakeTimer('tiled');
    const tuner = new Autotuner(timer);
    expect(await chooseMatmulForward(runner, { BT: 20, C: 12, OC: 24, bias: false }, tuner)).toBe('tiled');
    const measured = calls.length;
    // Same bucket (BT, C, OC round up to 32, 16, 32): no new measurement.
    expect(await chooseMatmulForward(runner, { BT: 30, C: 16, OC: 17, bias: false }, tuner)).toBe('tiled');
    expect(calls.length).toBe(measured);
    // A bias, or a larger shape, is another bucket.
    await chooseMatmulForward(runner, { BT: 20, C: 12, OC: 24, bias: true }, tuner);
    expect(calls.length).toBe(2 * measured);
    expect([...tuner.timings.keys()][0]).toBe(`${adapterKey(gpu)}|matmul_forward|BT32.C16.OC32.c4`);
  });

  it('never measures direct_vec4 when C is not a multiple of 4', async () => {
    const { timer, calls } = fakeTimer('direct_vec4');
    const choice = await chooseMatmulForward(runner, { BT: 9, C: 13, OC: 7, bias: true }, new Autotuner(timer));
    expect(calls).not.toContain('direct_vec4');
    expect(choice).toBe('naive'); // all others tie at 10: the first in order wins
    expect(matmulForwardBucket({ BT: 9, C: 13, OC: 7, bias: true })).toBe('BT16.C16.OC8.bias');
  });

  it('with the real clock picks a variant and matmulForwardAuto matches the reference', async () => {
    const [BT, C, OC] = [65, 32, 48];
    const tuner = new Autotuner();
    const inp = randomFloats(BT * C, 1);
    const weight = randomFloats(OC * C, 2, 1 / Math.sqrt(C));
    const bias = randomFloats(OC, 3);
    const buffers = [
      createStorageBuffer(gpu, 'out', BT * OC),
      createStorageBuffer(gpu, 'inp', inp),
      createStorageBuffer(gpu, 'weight', weight),
      createStorageBuffer(gpu, 'bias', bias),
    ] as const;
    await matmulForwardAuto(runner, ...buffers, BT, C, OC, tuner);
    const times = [...tuner.timings.values()][0] ?? {};
    expect(Object.keys(times)).toEqual(VARIANTS);
    expect(Object.values(times).every((ms) => ms > 0 && Number.isFinite(ms))).toBe(true);
    const got = await readFloat32(gpu, buffers[0], BT * OC);
    const want = new Float32Array(BT * OC);
    matmulForwardCpu(want, inp, weight, bias, BT, C, OC);
    const c = compareArrays(got, want, 1e-5 * Math.sqrt(C), 1e-4);
    expect(c.ok, describeComparison('matmulForwardAuto', c)).toBe(true);
    console.info(`autotune on ${adapterKey(gpu)} at ${BT}x${C}x${OC}:`, times);
    for (const b of buffers) b.destroy();
  });
});
