import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { adamw } from '../../shaders/adamw';
import { type AdamWSettings, adamwCpu } from '../../shaders/adamw.reference';
import { gradNorm, gradNormPartialCount } from '../../shaders/grad_norm';
import { gradNormCpu } from '../../shaders/grad_norm.reference';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

interface NormRun {
  normScale: Float32Array;
  partials: Float32Array;
}

async function runGradNorm(grads: Float32Array, maxNorm: number): Promise<NormRun> {
  const N = grads.length;
  const G = gradNormPartialCount(N);
  const b = {
    grads: createStorageBuffer(gpu, 'grads', grads),
    partials: createStorageBuffer(gpu, 'partials', new Float32Array(G).fill(99)),
    normScale: createStorageBuffer(gpu, 'norm_scale', 2),
  };
  await gradNorm(runner, b.normScale, b.partials, b.grads, N, maxNorm);
  const run = { normScale: await readFloat32(gpu, b.normScale, 2), partials: await readFloat32(gpu, b.partials, G) };
  for (const buffer of Object.values(b)) buffer.destroy();
  return run;
}

describe('grad_norm on Dawn vs the CPU reference', () => {
  // 1, under and over one workgroup, one and many partials (the grid-stride loop wraps), and the 256-partial cap.
  for (const N of [1, 255, 257, 5000, 100_000, 1_100_000]) {
    for (const maxNorm of [1, 1e6]) {
      it(`N=${N} max_norm=${maxNorm}: partials, norm and clip scale`, async () => {
        const grads = randomFloats(N, N + 1);
        const G = gradNormPartialCount(N);
        const want = { normScale: new Float64Array(2), partials: new Float64Array(G) };
        gradNormCpu(want.normScale, want.partials, grads, N, maxNorm);
        const got = await runGradNorm(grads, maxNorm);
        const perPartial = Math.min(N, Math.ceil(N / G));
        const partials = compareArrays(got.partials, want.partials, 1e-5 * Math.sqrt(perPartial), 1e-5);
        expect(partials.ok, describeComparison('grad_norm partials', partials)).toBe(true);
        const normScale = compareArrays(got.normScale, want.normScale, 1e-6, 1e-5);
        expect(normScale.ok, describeComparison('grad_norm [norm, scale]', normScale)).toBe(true);
        if (maxNorm === 1e6) expect(got.normScale[1]).toBe(1);
      });
    }
  }

  it('gives bit-identical results for the same inputs twice', async () => {
    const grads = randomFloats(100_000, 5);
    const first = await runGradNorm(grads, 1);
    const second = await runGradNorm(grads, 1);
    expect(new Uint32Array(second.normScale.buffer)).toEqual(new Uint32Array(first.normScale.buffer));
    expect(new Uint32Array(second.partials.buffer)).toEqual(new Uint32Array(first.partials.buffer));
  });

  it('feeds adamw: grad_norm then adamw on the GPU equals the reference with clipped gradients', async () => {
    const N = 5000;
    const maxNorm = 1;
    const s: AdamWSettings = { learningRate: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };
    const grads = randomFloats(N, 61); // norm ≈ 41: clipping is active
    const params = randomFloats(N, 62);
    // CPU: clip explicitly with the float64 norm, then a plain AdamW step.
    let sumSq = 0;
    for (const g of grads) sumSq += g * g;
    const scale = Math.min(1, maxNorm / (Math.sqrt(sumSq) + 1e-6));
    expect(scale).toBeLessThan(0.1);
    const want = { params: Float32Array.from(params), m: new Float32Array(N), v: new Float32Array(N) };
    adamwCpu(
      want.params,
      grads.map((g) => g * scale),
      want.m,
      want.v,
      null,
      N,
      s,
      1,
    );
    // GPU: norm into a buffer, adamw reads the scale from it; no readback in between.
    const b = {
      params: createStorageBuffer(gpu, 'params', params),
      grads: createStorageBuffer(gpu, 'grads', grads),
      m: createStorageBuffer(gpu, 'm', N),
      v: createStorageBuffer(gpu, 'v', N),
      partials: createStorageBuffer(gpu, 'partials', gradNormPartialCount(N)),
      normScale: createStorageBuffer(gpu, 'norm_scale', 2),
    };
    await gradNorm(runner, b.normScale, b.partials, b.grads, N, maxNorm);
    await adamw(runner, b.params, b.grads, b.m, b.v, b.normScale, N, s, 1);
    for (const [key, buffer] of [
      ['params', b.params],
      ['m', b.m],
      ['v', b.v],
    ] as const) {
      const c = compareArrays(await readFloat32(gpu, buffer, N), want[key], 1e-6, 1e-5);
      expect(c.ok, describeComparison(`clipped adamw ${key}`, c)).toBe(true);
    }
    for (const buffer of Object.values(b)) buffer.destroy();
  });
});
