import { describe, expect, it } from 'vitest';
import { randomFloats } from '../../client/numerics/random';
import { gradNormCpu } from '../../shaders/grad_norm.reference';
import { GRAD_NORM_MAX_PARTIALS, GRAD_NORM_WORKGROUP, gradNormPartialCount } from '../../shaders/grad_norm_layout';

describe('gradNormCpu (the reference the GPU is held to)', () => {
  it('gives the 2-norm and the clip scale, worked by hand', () => {
    const out = new Float64Array(2);
    gradNormCpu(out, new Float64Array(1), new Float64Array([3, 4]), 2, 1);
    expect(out[0]).toBe(5);
    expect(out[1]).toBeCloseTo(1 / (5 + 1e-6), 15);
    gradNormCpu(out, new Float64Array(1), new Float64Array([3, 4]), 2, 10);
    expect(out[1]).toBe(1); // under the limit: no clipping
    gradNormCpu(out, new Float64Array(1), new Float64Array([3, 4]), 2, 0);
    expect(out[1]).toBe(1); // maxNorm <= 0: clipping off
  });

  it('splits the sum of squares into the GPU grouping, wrapping past G·64 invocations', () => {
    const N = GRAD_NORM_MAX_PARTIALS * GRAD_NORM_WORKGROUP * 64 + 1000;
    const G = gradNormPartialCount(N);
    expect(G).toBe(GRAD_NORM_MAX_PARTIALS);
    const grads = randomFloats(N, 7);
    const out = new Float64Array(2);
    const partials = new Float64Array(G);
    gradNormCpu(out, partials, grads, N, 1);
    // Element G·64 + 5 wraps back to workgroup 0 (invocation 5), element 300 belongs to workgroup 4.
    let direct = 0;
    for (const g of grads) direct += g * g;
    expect(partials.reduce((a, b) => a + b, 0)).toBeCloseTo(direct, 6);
    expect(out[0]).toBeCloseTo(Math.sqrt(direct), 9);
    const workgroup0 = new Float64Array(G);
    const only = new Float32Array(N);
    only[G * GRAD_NORM_WORKGROUP + 5] = 2;
    only[300] = 3;
    gradNormCpu(out, workgroup0, only, N, 1);
    expect(workgroup0[0]).toBe(4);
    expect(workgroup0[4]).toBe(9);
  });

  it('uses one partial per 4096 gradients (64 invocations x 64), up to 256', () => {
    expect([1, 4096, 4097, 100_000, 1_048_576, 1_048_577, 10_000_000].map(gradNormPartialCount)).toEqual([
      1, 1, 2, 25, 256, 256, 256,
    ]);
  });
});
