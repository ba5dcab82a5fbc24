import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats, seededRandom } from '../../client/numerics/random';
import { encoderBackward, encoderForward, prepareEncoderBackward } from '../../shaders/encoder';
import { encoderBackwardCpu, encoderForwardCpu } from '../../shaders/encoder.reference';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

interface Shape {
  B: number;
  T: number;
  C: number;
  V: number;
}

/** Random ids below V, with a third of positions on token 3 so that buckets hold many positions. */
function tokens(BT: number, V: number, seed: number): Uint32Array {
  const next = seededRandom(seed);
  return Uint32Array.from({ length: BT }, () => (next() < 1 / 3 ? 3 : Math.floor(next() * V)));
}

function expectClose(name: string, got: Float32Array, want: Float32Array, terms: number): void {
  const c = compareArrays(got, want, 1e-5 * Math.sqrt(terms), 1e-4);
  expect(c.ok, describeComparison(name, c)).toBe(true);
}

/** Forward, then backward onto non-zero dwte/dwpe; returns the GPU results as raw bits too. */
async function runBoth(shape: Shape, seed: number) {
  const { B, T, C, V } = shape;
  const inp = tokens(B * T, V, seed);
  const wte = randomFloats(V * C, seed + 1);
  const wpe = randomFloats(T * C, seed + 2);
  const dout = randomFloats(B * T * C, seed + 3);
  const dwte0 = randomFloats(V * C, seed + 4);
  const dwpe0 = randomFloats(T * C, seed + 5);
  const buffers = {
    out: createStorageBuffer(gpu, 'out', B * T * C),
    inp: createStorageBuffer(gpu, 'inp', inp),
    wte: createStorageBuffer(gpu, 'wte', wte),
    wpe: createStorageBuffer(gpu, 'wpe', wpe),
    dout: createStorageBuffer(gpu, 'dout', dout),
    dwte: createStorageBuffer(gpu, 'dwte', dwte0),
    dwpe: createStorageBuffer(gpu, 'dwpe', dwpe0),
  };
  await encoderForward(runner, buffers.out, buffers.inp, buffers.wte, buffers.wpe, B, T, C, V);
  await encoderBackward(runner, buffers.dwte, buffers.dwpe, buffers.dout, inp, B, T, C, V);
  const got = {
    out: await readFloat32(gpu, buffers.out, B * T * C),
    dwte: await readFloat32(gpu, buffers.dwte, V * C),
    dwpe: await readFloat32(gpu, buffers.dwpe, T * C),
  };
  for (const b of Object.values(buffers)) b.destroy();
  return { inp, wte, wpe, dout, dwte0, dwpe0, got };
}

describe('encoder_forward / encoder_backward on Dawn vs the CPU reference', () => {
  const shapes: Shape[] = [
    { B: 2, T: 7, C: 13, V: 50 },
    { B: 2, T: 7, C: 13, V: 256 },
    { B: 3, T: 5, C: 30, V: 257 },
    { B: 1, T: 64, C: 70, V: 50 }, // more positions than tokens: every slot in use
    { B: 2, T: 16, C: 768, V: 256 },
  ];
  for (const shape of shapes) {
    const { B, T, C, V } = shape;
    it(`B=${B} T=${T} C=${C} V=${V}, dwte/dwpe accumulate onto non-zero values`, async () => {
      const { inp, wte, wpe, dout, dwte0, dwpe0, got } = await runBoth(shape, B * 1000 + T * 10 + C);
      const out = new Float32Array(B * T * C);
      encoderForwardCpu(out, inp, wte, wpe, B, T, C, V);
      const dwte = Float64Array.from(dwte0);
      const dwpe = Float64Array.from(dwpe0);
      encoderBackwardCpu(dwte, dwpe, dout, inp, B, T, C, V);
      expectClose('encoder_forward out', got.out, out, 2);
      expectClose('encoder_backward dwte', got.dwte, Float32Array.from(dwte), B * T);
      expectClose('encoder_backward dwpe', got.dwpe, Float32Array.from(dwpe), B);
    });
  }

  it('a prepared plan reused across steps with new ids accumulates both steps', async () => {
    const [B, T, C, V] = [2, 7, 13, 50];
    const dout = randomFloats(B * T * C, 21);
    const dwte = createStorageBuffer(gpu, 'dwte', V * C);
    const dwpe = createStorageBuffer(gpu, 'dwpe', T * C);
    const doutBuf = createStorageBuffer(gpu, 'dout', dout);
    const plan = await prepareEncoderBackward(runner, dwte, dwpe, doutBuf, B, T, C, V);
    const wantWte = new Float64Array(V * C);
    const wantWpe = new Float64Array(T * C);
    for (const seed of [1, 2]) {
      const inp = tokens(B * T, V, seed);
      plan.setTokens(inp);
      await runner.submit(plan.dispatches);
      encoderBackwardCpu(wantWte, wantWpe, dout, inp, B, T, C, V);
    }
    expectClose('dwte after two steps', await readFloat32(gpu, dwte), Float32Array.from(wantWte), 2 * B * T);
    expectClose('dwpe after two steps', await readFloat32(gpu, dwpe), Float32Array.from(wantWpe), 2 * B);
    plan.destroy();
    for (const b of [dwte, dwpe, doutBuf]) b.destroy();
  });

  it('gives bit-identical results for the same inputs twice', async () => {
    const shape = { B: 4, T: 9, C: 30, V: 50 };
    const first = await runBoth(shape, 11);
    const second = await runBoth(shape, 11);
    for (const key of ['out', 'dwte', 'dwpe'] as const) {
      expect(new Uint32Array(second.got[key].buffer), key).toEqual(new Uint32Array(first.got[key].buffer));
    }
  });

  it('forward writes NaN at a position whose token id is ≥ V (never a silently clamped row)', async () => {
    const [B, T, C, V] = [1, 3, 5, 10];
    const inp = createStorageBuffer(gpu, 'inp', new Uint32Array([2, 10, 9]));
    const wte = createStorageBuffer(gpu, 'wte', randomFloats(V * C, 1));
    const wpe = createStorageBuffer(gpu, 'wpe', randomFloats(T * C, 2));
    const out = createStorageBuffer(gpu, 'out', B * T * C);
    await encoderForward(runner, out, inp, wte, wpe, B, T, C, V);
    const got = await readFloat32(gpu, out);
    expect(got.slice(0, C).every(Number.isFinite)).toBe(true);
    expect(got.slice(C, 2 * C).every(Number.isNaN)).toBe(true);
    expect(got.slice(2 * C, 3 * C).every(Number.isFinite)).toBe(true);
    for (const b of [inp, wte, wpe, out]) b.destroy();
  });

  it('backward throws a RangeError for a token id ≥ V before dispatching', async () => {
    const [B, T, C, V] = [1, 2, 3, 50];
    const dwte = createStorageBuffer(gpu, 'dwte', V * C);
    const dwpe = createStorageBuffer(gpu, 'dwpe', T * C);
    const dout = createStorageBuffer(gpu, 'dout', randomFloats(B * T * C, 1));
    const call = encoderBackward(runner, dwte, dwpe, dout, new Uint32Array([49, 50]), B, T, C, V);
    await expect(call).rejects.toThrow(/token id 50 at position 1 is out of range for a vocabulary of 50/);
    expect([...(await readFloat32(gpu, dwte))].every((x) => x === 0)).toBe(true);
    for (const b of [dwte, dwpe, dout]) b.destroy();
  });
});
