import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { crossentropyForward, crossentropyFused } from '../../shaders/crossentropy';
import { crossentropyFusedCpu } from '../../shaders/crossentropy.reference';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

function randomTargets(n: number, V: number, seed: number): Uint32Array {
  return Uint32Array.from(randomFloats(n, seed), (x) => Math.floor(((x + 1) / 2) * V) % V);
}

interface Run {
  losses: Float32Array;
  dlogits: Float32Array;
  forwardLosses: Float32Array;
}

/** Runs the forward and the fused kernel on the same inputs; dlogits starts as garbage (assign, not +=). */
async function runGpu(
  logits: Float32Array,
  dlosses: Float32Array,
  targets: Uint32Array,
  B: number,
  T: number,
  V: number,
): Promise<Run> {
  const BT = B * T;
  const b = {
    logits: createStorageBuffer(gpu, 'logits', logits),
    dlosses: createStorageBuffer(gpu, 'dlosses', dlosses),
    targets: createStorageBuffer(gpu, 'targets', targets),
    losses: createStorageBuffer(gpu, 'losses', BT),
    forwardLosses: createStorageBuffer(gpu, 'forward losses', BT),
    dlogits: createStorageBuffer(gpu, 'dlogits', new Float32Array(BT * V).fill(5)),
  };
  await crossentropyForward(runner, b.forwardLosses, b.logits, b.targets, B, T, V);
  await crossentropyFused(runner, b.losses, b.dlogits, b.logits, b.dlosses, b.targets, B, T, V);
  const run = {
    losses: await readFloat32(gpu, b.losses, BT),
    dlogits: await readFloat32(gpu, b.dlogits, BT * V),
    forwardLosses: await readFloat32(gpu, b.forwardLosses, BT),
  };
  for (const buffer of Object.values(b)) buffer.destroy();
  return run;
}

// V: one element, tiny, not a multiple of 4, exactly the workgroup, one past
// it, non-power-of-two, and GPT-2's 50257 (197 columns per invocation).
const SHAPES = [
  { B: 1, T: 1, V: 1 },
  { B: 2, T: 3, V: 13 },
  { B: 3, T: 5, V: 50 },
  { B: 2, T: 7, V: 256 },
  { B: 1, T: 9, V: 257 },
  { B: 2, T: 3, V: 1000 },
  { B: 1, T: 2, V: 50257 },
];

describe('crossentropy on Dawn vs the CPU reference', () => {
  for (const { B, T, V } of SHAPES) {
    it(`B=${B} T=${T} V=${V}: losses and dlogits`, async () => {
      const BT = B * T;
      const logits = randomFloats(BT * V, V + 1, 4);
      const dlosses = randomFloats(BT, V + 2);
      const targets = randomTargets(BT, V, V + 3);
      const want = { losses: new Float32Array(BT), dlogits: new Float32Array(BT * V) };
      crossentropyFusedCpu(want.losses, want.dlogits, logits, dlosses, targets, B, T, V);
      const got = await runGpu(logits, dlosses, targets, B, T, V);
      const atol = 1e-5 * Math.sqrt(V);
      const losses = compareArrays(got.losses, want.losses, atol, 1e-4);
      expect(losses.ok, describeComparison('crossentropy_fused losses', losses)).toBe(true);
      // The forward kernel runs the same reduction: bit-identical losses.
      expect(new Uint32Array(got.forwardLosses.buffer)).toEqual(new Uint32Array(got.losses.buffer));
      const dlogits = compareArrays(got.dlogits, want.dlogits, 1e-6, 1e-4);
      expect(dlogits.ok, describeComparison('crossentropy_fused dlogits', dlogits)).toBe(true);
    });
  }

  it('is stable for large logits (values ±80 would overflow exp without the max)', async () => {
    const [B, T, V] = [1, 3, 257];
    const logits = randomFloats(B * T * V, 9, 80);
    const dlosses = new Float32Array(B * T).fill(1 / (B * T));
    const targets = randomTargets(B * T, V, 10);
    const want = { losses: new Float32Array(B * T), dlogits: new Float32Array(B * T * V) };
    crossentropyFusedCpu(want.losses, want.dlogits, logits, dlosses, targets, B, T, V);
    const got = await runGpu(logits, dlosses, targets, B, T, V);
    const losses = compareArrays(got.losses, want.losses, 1e-4, 1e-5);
    expect(losses.ok, describeComparison('losses', losses)).toBe(true);
    const dlogits = compareArrays(got.dlogits, want.dlogits, 1e-6, 1e-4);
    expect(dlogits.ok, describeComparison('dlogits', dlogits)).toBe(true);
  });

  it('writes NaN for a target outside [0, V), only in that row', async () => {
    const [B, T, V] = [1, 3, 50];
    const logits = randomFloats(B * T * V, 21);
    const targets = new Uint32Array([3, 50, 0xffffffff]);
    const got = await runGpu(logits, new Float32Array(3).fill(1), targets, B, T, V);
    expect(Number.isFinite(got.losses[0])).toBe(true);
    expect(Number.isNaN(got.losses[1]) && Number.isNaN(got.losses[2])).toBe(true);
    expect(Number.isNaN(got.forwardLosses[1]) && Number.isNaN(got.forwardLosses[2])).toBe(true);
    expect(got.dlogits.subarray(0, V).every(Number.isFinite)).toBe(true);
    expect([...got.dlogits.subarray(V)].every(Number.isNaN)).toBe(true);
  });

  it('gives bit-identical results for the same inputs twice', async () => {
    const [B, T, V] = [2, 3, 257];
    const logits = randomFloats(B * T * V, 31, 3);
    const dlosses = randomFloats(B * T, 32);
    const targets = randomTargets(B * T, V, 33);
    const first = await runGpu(logits, dlosses, targets, B, T, V);
    const second = await runGpu(logits, dlosses, targets, B, T, V);
    expect(new Uint32Array(second.losses.buffer)).toEqual(new Uint32Array(first.losses.buffer));
    expect(new Uint32Array(second.dlogits.buffer)).toEqual(new Uint32Array(first.dlogits.buffer));
  });
});
