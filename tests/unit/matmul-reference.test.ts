import { describe, expect, it } from 'vitest';
import { matmulForwardCpu } from '../../shaders/matmul_forward.reference';

describe('matmulForwardCpu (the reference the GPU is held to)', () => {
  it('computes out = inp · weightᵀ + bias in llm.c layout, worked by hand', () => {
    // inp (BT=2, C=3), weight (OC=2, C=3): out[bt][oc] = Σ_c inp[bt][c]·weight[oc][c] + bias[oc]
    const inp = new Float32Array([1, 2, 3, 4, 5, 6]);
    const weight = new Float32Array([1, 0, -1, 0.5, 0.5, 0.5]);
    const bias = new Float32Array([10, -1]);
    const out = new Float32Array(4);
    matmulForwardCpu(out, inp, weight, bias, 2, 3, 2);
    expect([...out]).toEqual([1 - 3 + 10, 3 - 1, 4 - 6 + 10, 7.5 - 1]);
  });

  it('treats a null bias as zero and handles C = 1 and OC = 1', () => {
    const out = new Float32Array(3);
    matmulForwardCpu(out, new Float32Array([2, 3, 4]), new Float32Array([0.5]), null, 3, 1, 1);
    expect([...out]).toEqual([1, 1.5, 2]);
  });
});
