import { describe, expect, it } from 'vitest';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { dot, numericGradient, toFloat64 } from '../../client/numerics/gradient-check';
import { randomFloats } from '../../client/numerics/random';
import { elementGrid } from '../../shaders/elementwise_grid';
import { residualAccumulateCpu, residualBackwardCpu, residualForwardCpu } from '../../shaders/residual.reference';

describe('residual references', () => {
  it('forward adds and accumulate adds into dst', () => {
    const out = new Float32Array(3);
    residualForwardCpu(out, new Float32Array([1, 2, 3]), new Float32Array([10, 20, 30]), 3);
    expect([...out]).toEqual([11, 22, 33]);
    const dst = new Float32Array([1, 1, 1]);
    residualAccumulateCpu(dst, new Float32Array([1, 2, 3]), 3);
    expect([...dst]).toEqual([2, 3, 4]);
  });

  it('backward (both inputs, assigned) matches float64 finite differences', () => {
    const N = 11;
    const inp1 = toFloat64(randomFloats(N, 1));
    const inp2 = toFloat64(randomFloats(N, 2));
    const dout = toFloat64(randomFloats(N, 3));
    const loss = () => {
      const out = new Float64Array(N);
      residualForwardCpu(out, inp1, inp2, N);
      return dot(dout, out);
    };
    const want1 = numericGradient(loss, inp1);
    const want2 = numericGradient(loss, inp2);
    const dinp1 = new Float64Array(N).fill(5);
    const dinp2 = new Float64Array(N).fill(-5);
    residualBackwardCpu(dinp1, dinp2, dout, N);
    for (const [name, got, want] of [
      ['dinp1', dinp1, want1],
      ['dinp2', dinp2, want2],
    ] as const) {
      const c = compareArrays(got, want, 1e-8, 1e-7);
      expect(c.ok, describeComparison(name, c)).toBe(true);
    }
  });
});

describe('elementGrid (the dispatch of every elementwise kernel here)', () => {
  it('stays within 65535 workgroups per dimension and covers every element', () => {
    expect(elementGrid(1, 256)).toEqual([1, 1, 1]);
    expect(elementGrid(256 * 65535, 256)).toEqual([65535, 1, 1]);
    const [x, y] = elementGrid(256 * 65535 + 1, 256);
    expect([x, y]).toEqual([65535, 2]);
    expect(x * y * 256).toBeGreaterThanOrEqual(256 * 65535 + 1);
  });
});
