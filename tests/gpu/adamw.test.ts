import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32, writeStorageBuffer } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { adamw, adamwSpec, adamwUniforms } from '../../shaders/adamw';
import { type AdamWSettings, adamwCpu } from '../../shaders/adamw.reference';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

const SETTINGS: AdamWSettings = { learningRate: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

interface State {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

function expectClose(got: State, want: State, step: number): void {
  for (const key of ['params', 'm', 'v'] as const) {
    const c = compareArrays(got[key], want[key], 1e-6, 1e-5);
    expect(c.ok, describeComparison(`adamw ${key} after step ${step}`, c)).toBe(true);
  }
}

/**
 * Five steps t = 1..5 on the GPU and on the CPU (f32 state), different
 * gradients each step, optionally a clip scale from a norm_scale buffer.
 */
async function checkSteps(N: number, seed: number, normScale: Float32Array | null): Promise<void> {
  const want: State = { params: randomFloats(N, seed), m: new Float32Array(N), v: new Float32Array(N) };
  const b = {
    params: createStorageBuffer(gpu, 'params', want.params),
    grads: createStorageBuffer(gpu, 'grads', N),
    m: createStorageBuffer(gpu, 'm', N),
    v: createStorageBuffer(gpu, 'v', N),
    normScale: normScale ? createStorageBuffer(gpu, 'norm_scale', normScale) : null,
  };
  for (let t = 1; t <= 5; t++) {
    const grads = randomFloats(N, seed + t, t === 3 ? 1e-4 : 1); // tiny gradients too
    writeStorageBuffer(gpu, b.grads, grads);
    adamwCpu(want.params, grads, want.m, want.v, normScale, N, SETTINGS, t);
    await adamw(runner, b.params, b.grads, b.m, b.v, b.normScale, N, SETTINGS, t);
    const got = {
      params: await readFloat32(gpu, b.params, N),
      m: await readFloat32(gpu, b.m, N),
      v: await readFloat32(gpu, b.v, N),
    };
    expectClose(got, want, t);
  }
  for (const buffer of Object.values(b)) buffer?.destroy();
}

describe('adamw on Dawn vs the CPU reference', () => {
  for (const N of [1, 255, 257, 1000, 70_001]) {
    it(`N=${N}: steps 1..5`, () => checkSteps(N, N, null));
  }

  it('N=1000: steps 1..5 with grads scaled by norm_scale[1]', () => checkSteps(1000, 3, new Float32Array([9, 0.125])));

  it('folds large N into a 2-D grid (shape checked here, the indexing below)', () => {
    const uniforms = adamwUniforms(124_439_808, SETTINGS, 1, false); // GPT-2 small
    const [x, y] = adamwSpec.dispatch(uniforms);
    expect(x).toBe(65535);
    expect(y).toBe(8);
    expect(x * y * 256).toBeGreaterThanOrEqual(124_439_808);
  });

  it('indexes a 2-D grid correctly (a test spec with 3 workgroups per row, N = 2000 → 3x3, last block empty)', async () => {
    const N = 2000;
    const gridSpec = { ...adamwSpec, name: 'adamw_grid_test', dispatch: () => [3, 3, 1] as const };
    const want: State = { params: randomFloats(N, 41), m: randomFloats(N, 42, 0.1), v: randomFloats(N, 43, 0.01) };
    want.v = want.v.map(Math.abs);
    const grads = randomFloats(N, 44);
    const buffers = {
      params_memory: createStorageBuffer(gpu, 'params', want.params),
      grads_memory: createStorageBuffer(gpu, 'grads', grads),
      m_memory: createStorageBuffer(gpu, 'm', want.m),
      v_memory: createStorageBuffer(gpu, 'v', want.v),
      norm_scale: null,
    };
    await runner.run(gridSpec, buffers, adamwUniforms(N, SETTINGS, 2, false));
    adamwCpu(want.params, grads, want.m, want.v, null, N, SETTINGS, 2);
    const got = {
      params: await readFloat32(gpu, buffers.params_memory, N),
      m: await readFloat32(gpu, buffers.m_memory, N),
      v: await readFloat32(gpu, buffers.v_memory, N),
    };
    expectClose(got, want, 2);
    for (const b of Object.values(buffers)) b?.destroy();
  });

  it('gives bit-identical results for the same inputs twice', async () => {
    const N = 3000;
    const results: Uint32Array[] = [];
    for (let run = 0; run < 2; run++) {
      const params = createStorageBuffer(gpu, 'params', randomFloats(N, 51));
      const grads = createStorageBuffer(gpu, 'grads', randomFloats(N, 52));
      const m = createStorageBuffer(gpu, 'm', randomFloats(N, 53));
      const v = createStorageBuffer(gpu, 'v', randomFloats(N, 54).map(Math.abs));
      await adamw(runner, params, grads, m, v, null, N, SETTINGS, 7);
      results.push(new Uint32Array((await readFloat32(gpu, params, N)).buffer));
      for (const b of [params, grads, m, v]) b.destroy();
    }
    expect(results[1]).toEqual(results[0]);
  });
});
