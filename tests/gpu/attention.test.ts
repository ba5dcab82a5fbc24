import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats } from '../../client/numerics/random';
import { attentionBackward, attentionForward } from '../../shaders/attention';
import { attentionBackwardCpu, attentionForwardCpu } from '../../shaders/attention.reference';
import { attentionBackwardMaterialised, attentionForwardMaterialised } from '../../shaders/attention_materialised';
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
  NH: number;
}

// Workgroups hold 64 rows; K/V tiles hold 1024 / HS rows. These shapes cover
// T = 1, odd T, T past one block (65, 70), HS = 1, odd HS (3, 10, 13), HS = 64
// (several tiles per block) and HS = 128 (the largest, 8-row tiles), B > 1.
const SHAPES: Shape[] = [
  { B: 1, T: 1, C: 6, NH: 2 },
  { B: 1, T: 7, C: 30, NH: 3 },
  { B: 2, T: 33, C: 6, NH: 2 },
  { B: 1, T: 5, C: 4, NH: 4 },
  { B: 1, T: 65, C: 13, NH: 1 },
  { B: 2, T: 70, C: 128, NH: 2 },
  { B: 1, T: 37, C: 128, NH: 1 },
];

/** Seeded inputs for a shape: qkv (B, T, 3C) and dout (B, T, C). */
function inputs({ B, T, C }: Shape, seed: number) {
  return { qkv: randomFloats(B * T * 3 * C, seed), dout: randomFloats(B * T * C, seed + 1) };
}

/** Sums over up to T keys of HS-long products: atol grows with sqrt of the terms. */
function tolerance({ T, C, NH }: Shape) {
  return { atol: 1e-5 * Math.sqrt(T * (C / NH)), rtol: 1e-4 };
}

function expectClose(name: string, got: Float32Array, want: Float32Array, shape: Shape) {
  const { atol, rtol } = tolerance(shape);
  const c = compareArrays(got, want, atol, rtol);
  expect(c.ok, describeComparison(name, c)).toBe(true);
}

/** GPU forward and backward on `shape`; output buffers start as garbage, since outputs are assigned. */
async function runGpu(shape: Shape, qkv: Float32Array, dout: Float32Array) {
  const { B, T, C, NH } = shape;
  const garbage = (n: number, seed: number) => createStorageBuffer(gpu, 'garbage', randomFloats(n, seed, 100));
  const buffers = {
    qkv: createStorageBuffer(gpu, 'qkv', qkv),
    dout: createStorageBuffer(gpu, 'dout', dout),
    out: garbage(B * T * C, 91),
    stats: garbage(B * NH * T, 92),
    dqkv: garbage(B * T * 3 * C, 93),
  };
  try {
    await attentionForward(runner, buffers.out, buffers.stats, buffers.qkv, B, T, C, NH);
    await attentionBackward(runner, buffers.dqkv, buffers.dout, buffers.qkv, buffers.out, buffers.stats, B, T, C, NH);
    return {
      out: await readFloat32(gpu, buffers.out, B * T * C),
      stats: await readFloat32(gpu, buffers.stats, B * NH * T),
      dqkv: await readFloat32(gpu, buffers.dqkv, B * T * 3 * C),
    };
  } finally {
    for (const b of Object.values(buffers)) b.destroy();
  }
}

describe('fused attention (attention_forward, attention_backward_dq/dkv) vs the CPU reference', () => {
  for (const shape of SHAPES) {
    const { B, T, C, NH } = shape;
    it(`B=${B} T=${T} C=${C} NH=${NH} (HS=${C / NH})`, async () => {
      const { qkv, dout } = inputs(shape, B * 1000 + T * 10 + C);
      const got = await runGpu(shape, qkv, dout);

      const out = new Float32Array(B * T * C);
      const stats = new Float32Array(B * NH * T);
      attentionForwardCpu(out, stats, qkv, B, T, C, NH);
      expectClose('out', got.out, out, shape);
      expectClose('stats', got.stats, stats, shape);

      // The backward from the reference's own forward, so GPU forward errors do not feed in.
      const dqkv = new Float32Array(B * T * 3 * C);
      attentionBackwardCpu(dqkv, dout, qkv, out, stats, B, T, C, NH);
      expectClose('dqkv', got.dqkv, dqkv, shape);
    });
  }

  it('gives bit-identical out, stats and dqkv for the same inputs twice', async () => {
    const shape = { B: 2, T: 70, C: 128, NH: 2 };
    const { qkv, dout } = inputs(shape, 7);
    const first = await runGpu(shape, qkv, dout);
    const second = await runGpu(shape, qkv, dout);
    for (const key of ['out', 'stats', 'dqkv'] as const) {
      expect(new Uint32Array(second[key].buffer), key).toEqual(new Uint32Array(first[key].buffer));
    }
  });

  it('refuses C not a multiple of NH, and heads wider than 128, before dispatching', async () => {
    const buffer = createStorageBuffer(gpu, 'any', 3 * 300);
    await expect(attentionForward(runner, buffer, buffer, buffer, 1, 1, 30, 4)).rejects.toThrow(/multiple of NH/);
    await expect(attentionForward(runner, buffer, buffer, buffer, 1, 1, 258, 2)).rejects.toThrow(
      /exceeds the supported 128/,
    );
    buffer.destroy();
  });
});

/** The materialised forward and backward on `shape`: out, stats, dqkv; the (B, NH, T, T) scratch freed. */
async function runMaterialised({ B, T, C, NH }: Shape, qkv: Float32Array, dout: Float32Array) {
  const garbage = (n: number, seed: number) => createStorageBuffer(gpu, 'garbage', randomFloats(n, seed, 100));
  const buffers = {
    qkv: createStorageBuffer(gpu, 'qkv', qkv),
    dout: createStorageBuffer(gpu, 'dout', dout),
    out: garbage(B * T * C, 91),
    stats: garbage(B * NH * T, 92),
    dqkv: garbage(B * T * 3 * C, 93),
    preatt: createStorageBuffer(gpu, 'preatt', B * NH * T * T),
    att: createStorageBuffer(gpu, 'att', B * NH * T * T),
    datt: createStorageBuffer(gpu, 'datt', B * NH * T * T),
    dpreatt: createStorageBuffer(gpu, 'dpreatt', B * NH * T * T),
  };
  try {
    const { out, stats, preatt, att, datt, dpreatt, dqkv } = buffers;
    await attentionForwardMaterialised(runner, out, stats, preatt, att, buffers.qkv, B, T, C, NH);
    await attentionBackwardMaterialised(runner, dqkv, dpreatt, datt, buffers.dout, buffers.qkv, att, B, T, C, NH);
    return {
      out: await readFloat32(gpu, out, B * T * C),
      stats: await readFloat32(gpu, stats, B * NH * T),
      dqkv: await readFloat32(gpu, dqkv, B * T * 3 * C),
    };
  } finally {
    for (const b of Object.values(buffers)) b.destroy();
  }
}

describe('materialised attention (query_key, softmax, value and their backward) vs the CPU reference', () => {
  const shapes = SHAPES.filter((s) => s.T !== 65);
  for (const shape of shapes) {
    const { B, T, C, NH } = shape;
    it(`B=${B} T=${T} C=${C} NH=${NH} (HS=${C / NH})`, async () => {
      const { qkv, dout } = inputs(shape, B * 1000 + T * 10 + C);
      const got = await runMaterialised(shape, qkv, dout);
      const out = new Float32Array(B * T * C);
      const stats = new Float32Array(B * NH * T);
      attentionForwardCpu(out, stats, qkv, B, T, C, NH);
      expectClose('out', got.out, out, shape);
      expectClose('stats', got.stats, stats, shape);
      const dqkv = new Float32Array(B * T * 3 * C);
      attentionBackwardCpu(dqkv, dout, qkv, out, stats, B, T, C, NH);
      expectClose('dqkv', got.dqkv, dqkv, shape);
    });
  }

  it('gives bit-identical out, stats and dqkv for the same inputs twice', async () => {
    const shape = { B: 2, T: 33, C: 30, NH: 3 };
    const { qkv, dout } = inputs(shape, 8);
    const first = await runMaterialised(shape, qkv, dout);
    const second = await runMaterialised(shape, qkv, dout);
    for (const key of ['out', 'stats', 'dqkv'] as const) {
      expect(new Uint32Array(second[key].buffer), key).toEqual(new Uint32Array(first[key].buffer));
    }
  });
});
