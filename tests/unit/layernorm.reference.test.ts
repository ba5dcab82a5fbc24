import { describe, expect, it } from 'vitest';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { dot, numericGradient, toFloat64 } from '../../client/numerics/gradient-check';
import { randomFloats } from '../../client/numerics/random';
import { layernormBackwardCpu, layernormForwardCpu } from '../../shaders/layernorm.reference';

describe('layernormForwardCpu / layernormBackwardCpu', () => {
  it('normalises a row to mean 0, variance 1 (up to eps) before weight and bias', () => {
    const out = new Float64Array(4);
    const mean = new Float64Array(1);
    const rstd = new Float64Array(1);
    layernormForwardCpu(
      out,
      mean,
      rstd,
      new Float64Array([1, 2, 3, 4]),
      new Float64Array(4).fill(1),
      new Float64Array(4),
      1,
      1,
      4,
    );
    expect(mean[0]).toBe(2.5);
    expect(rstd[0]).toBeCloseTo(1 / Math.sqrt(1.25 + 1e-5), 12);
    expect(out[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25 + 1e-5), 12);
  });

  for (const [B, T, C] of [
    [1, 3, 5],
    [2, 3, 7],
  ] as const) {
    it(`backward matches float64 finite differences, B=${B} T=${T} C=${C}`, () => {
      const BT = B * T;
      const inp = toFloat64(randomFloats(BT * C, 1, 2));
      const weight = toFloat64(randomFloats(C, 2));
      const bias = toFloat64(randomFloats(C, 3));
      const dout = toFloat64(randomFloats(BT * C, 4));
      const forward = () => {
        const out = new Float64Array(BT * C);
        const mean = new Float64Array(BT);
        const rstd = new Float64Array(BT);
        layernormForwardCpu(out, mean, rstd, inp, weight, bias, B, T, C);
        return { out, mean, rstd };
      };
      const loss = () => dot(dout, forward().out);
      const wantInp = numericGradient(loss, inp);
      const wantWeight = numericGradient(loss, weight);
      const wantBias = numericGradient(loss, bias);
      const { mean, rstd } = forward();
      // dinp is assigned (stale values ignored); dweight, dbias accumulate onto non-zero values.
      const dinp = new Float64Array(BT * C).fill(9);
      const dweight = toFloat64(randomFloats(C, 5));
      const dbias = toFloat64(randomFloats(C, 6));
      const startWeight = Float64Array.from(dweight);
      const startBias = Float64Array.from(dbias);
      layernormBackwardCpu(dinp, dweight, dbias, dout, inp, weight, mean, rstd, B, T, C);
      for (const [name, got, want] of [
        ['dinp', dinp, wantInp],
        ['dweight', dweight, wantWeight.map((g, i) => g + (startWeight[i] as number))],
        ['dbias', dbias, wantBias.map((g, i) => g + (startBias[i] as number))],
      ] as const) {
        const c = compareArrays(got, want, 1e-7, 1e-6);
        expect(c.ok, describeComparison(name, c)).toBe(true);
      }
    });
  }
});
