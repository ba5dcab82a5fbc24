import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { GpuError } from '../../client/gpu/errors';
import { defineKernel } from '../../client/gpu/kernel';
import { KernelRunner } from '../../client/gpu/runner';
import { matmulForward, matmulForwardSpec } from '../../shaders/matmul_forward';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

/** The GpuError a promise rejects with (fails the test if it resolves or throws something else). */
async function rejection(promise: Promise<unknown>): Promise<GpuError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(GpuError);
  return error as GpuError;
}

const scale = defineKernel({
  name: 'scale_test',
  wgsl: `
struct Params {
  n: u32,
  factor: f32,
}
@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;
@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < params.n) { data[id.x] = data[id.x] * params.factor; }
}`,
  bindings: [{ name: 'data', access: 'read_write', bytes: (u) => u.n * 4 }],
  uniforms: [
    { name: 'n', type: 'u32' },
    { name: 'factor', type: 'f32' },
  ],
  workgroupSize: [64, 1, 1],
  dispatch: (u) => [Math.ceil(u.n / 64), 1, 1],
});

describe('KernelRunner', () => {
  it('runs a spec with u32 and f32 uniforms and compiles each pipeline once', async () => {
    const data = createStorageBuffer(gpu, 'data', new Float32Array([1, 2, 3, 4, 5]));
    await runner.run(scale, { data }, { n: 5, factor: 2.5 });
    await runner.run(scale, { data }, { n: 3, factor: -1 });
    expect([...(await readFloat32(gpu, data))]).toEqual([-2.5, -5, -7.5, 10, 12.5]);
    expect(await runner.compile(scale)).toBe(await runner.compile(scale));
    data.destroy();
  });

  it('binds a slice of a buffer at an aligned offset and touches nothing outside it', async () => {
    // 64 floats before the slice (256 bytes, the usual offset alignment), 5 in it, 3 after.
    const data = createStorageBuffer(gpu, 'data', new Float32Array(72).fill(1));
    await runner.run(scale, { data: { buffer: data, offset: 256, size: 20 } }, { n: 5, factor: 3 });
    const out = await readFloat32(gpu, data);
    expect([...out.subarray(62, 71)]).toEqual([1, 1, 3, 3, 3, 3, 3, 1, 1]);
    expect(out.filter((x) => x === 3).length).toBe(5);
    data.destroy();
  });

  it('rejects a misaligned slice, a slice past the end, and one smaller than the call needs', async () => {
    const data = createStorageBuffer(gpu, 'data', 128);
    const misaligned = await rejection(
      runner.run(scale, { data: { buffer: data, offset: 4, size: 20 } }, { n: 5, factor: 1 }),
    );
    expect(misaligned.message).toContain("'data' is bound at byte offset 4, not a multiple of");
    const pastEnd = await rejection(
      runner.run(scale, { data: { buffer: data, offset: 256, size: 512 } }, { n: 5, factor: 1 }),
    );
    expect(pastEnd.message).toContain("'data' binds bytes 256..768 of a 512-byte buffer");
    const small = await rejection(
      runner.run(scale, { data: { buffer: data, offset: 256, size: 16 } }, { n: 5, factor: 1 }),
    );
    expect(small.message).toContain("buffer 'data' has 16 bytes but this call needs 20");
    data.destroy();
  });

  it('surfaces a WGSL compile error with the shader name, line, column and source line', async () => {
    const broken = {
      ...scale,
      name: 'broken_test',
      wgsl: scale.wgsl.replace('data[id.x] * params.factor', 'data[id.x] * params.nope'),
    };
    const error = await rejection(runner.compile(broken));
    expect(error.kind).toBe('compile');
    expect(error.message).toMatch(/^broken_test\.wgsl:10:\d+: error: .*nope/);
    expect(error.message).toContain('params.nope');
  });

  it('rejects a buffer that is too small before dispatching, naming it', async () => {
    const small = createStorageBuffer(gpu, 'small', 10);
    const big = createStorageBuffer(gpu, 'big', 1000);
    const error = await rejection(matmulForward(runner, big, small, big, null, 4, 4, 4));
    expect(error.kind).toBe('invalid-use');
    expect(error.message).toBe("matmul_forward: buffer 'inp' has 40 bytes but this call needs 64 (16 floats)");
    small.destroy();
    big.destroy();
  });

  it('rejects a dispatch beyond the adapter limit before it reaches the GPU', async () => {
    const maxGroups = gpu.adapter.limits.maxComputeWorkgroupsPerDimension;
    const OC = (maxGroups + 1) * 16; // one workgroup column too many
    const out = createStorageBuffer(gpu, 'out', OC);
    const weight = createStorageBuffer(gpu, 'weight', OC);
    const inp = createStorageBuffer(gpu, 'inp', 1);
    const error = await rejection(matmulForward(runner, out, inp, weight, null, 1, 1, OC));
    expect(error.message).toMatch(/exceeds this adapter's \d+ per dimension/);
    for (const b of [out, weight, inp]) b.destroy();
  });

  it('rejects missing required buffers and bad uniforms', async () => {
    const data = createStorageBuffer(gpu, 'data', 4);
    const noBuffer = await rejection(
      runner.run(
        matmulForwardSpec,
        { out: data, inp: data, weight: null, bias: null },
        { BT: 1, C: 1, OC: 1, has_bias: 0 },
      ),
    );
    expect(noBuffer.message).toBe("matmul_forward: 'weight' is required but null was given");
    const negative = await rejection(runner.run(scale, { data }, { n: -1, factor: 1 }));
    expect(negative.message).toMatch(/uniform 'n' = -1 is out of u32 range/);
    const fractional = await rejection(runner.run(scale, { data }, { n: 1.5, factor: 1 }));
    expect(fractional.message).toMatch(/not an integer/);
    data.destroy();
  });

  it('refuses a spec whose bindings disagree with its WGSL, before compiling', async () => {
    const [out, inp, weight, bias] = matmulForwardSpec.bindings;
    const reordered = {
      ...matmulForwardSpec,
      name: 'matmul_reordered',
      bindings: [out, weight, inp, bias] as typeof matmulForwardSpec.bindings,
    };
    const error = await rejection(runner.compile(reordered));
    expect(error.kind).toBe('invalid-use');
    expect(error.message).toMatch(/@binding\(1\) is 'inp'/);
  });

  it('refuses a workgroup larger than the adapter allows', async () => {
    const max = gpu.adapter.limits.maxComputeInvocationsPerWorkgroup;
    const huge = {
      ...scale,
      name: 'huge_test',
      wgsl: scale.wgsl.replace('64, 1, 1', `${max * 2}, 1, 1`),
      workgroupSize: [max * 2, 1, 1] as const,
    };
    const error = await rejection(runner.compile(huge));
    expect(error.message).toMatch(new RegExp(`workgroup of ${max * 2} invocations; this adapter allows ${max}`));
  });
});
