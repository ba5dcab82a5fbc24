import { describe, expect, it } from 'vitest';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { dot, numericGradient, toFloat64 } from '../../client/numerics/gradient-check';
import { randomFloats } from '../../client/numerics/random';
import { geluBackwardCpu, geluForwardCpu } from '../../shaders/gelu.reference';

describe('geluForwardCpu / geluBackwardCpu (the references the GPU is held to)', () => {
  it('matches known values of the tanh approximation', () => {
    const out = new Float64Array(3);
    geluForwardCpu(out, new Float64Array([0, 1, -1]), 3);
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715x³))) at x = ±1
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(0.8411919906, 9);
    expect(out[2]).toBeCloseTo(-0.1588080094, 9);
  });

  for (const N of [7, 33]) {
    it(`backward matches float64 finite differences, N=${N}`, () => {
      const inp = toFloat64(randomFloats(N, N, 4));
      const dout = toFloat64(randomFloats(N, N + 1));
      const loss = () => {
        const out = new Float64Array(N);
        geluForwardCpu(out, inp, N);
        return dot(dout, out);
      };
      const numeric = numericGradient(loss, inp);
      // dinp is assigned: stale values in it must not leak into the result.
      const dinp = new Float64Array(N).fill(123);
      geluBackwardCpu(dinp, inp, dout, N);
      const c = compareArrays(dinp, numeric, 1e-7, 1e-6);
      expect(c.ok, describeComparison('gelu dinp', c)).toBe(true);
    });
  }

  it('stays finite for |x| up to 20 (cosh overflow gives a zero sech², not NaN)', () => {
    const inp = new Float64Array([-20, -12, 12, 20, -1000, 1000]);
    const dinp = new Float64Array(6);
    geluBackwardCpu(dinp, inp, new Float64Array(6).fill(1), 6);
    const c = compareArrays(dinp, [0, 0, 1, 1, 0, 1], 1e-12, 0);
    expect(c.ok, describeComparison('gelu dinp at large |x|', c)).toBe(true);
  });
});
