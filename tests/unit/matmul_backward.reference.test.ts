import { describe, expect, it } from 'vitest';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { dot, numericGradient, toFloat64 } from '../../client/numerics/gradient-check';
import { randomFloats } from '../../client/numerics/random';
import { matmulBackwardCpu } from '../../shaders/matmul_backward.reference';
import { matmulForwardCpu } from '../../shaders/matmul_forward.reference';

/** Float64 inputs and an upstream gradient for out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias. */
function problem(BT: number, C: number, OC: number, seed: number) {
  return {
    inp: toFloat64(randomFloats(BT * C, seed)),
    weight: toFloat64(randomFloats(OC * C, seed + 1)),
    bias: toFloat64(randomFloats(OC, seed + 2)),
    dout: toFloat64(randomFloats(BT * OC, seed + 3)),
  };
}

describe('matmulBackwardCpu vs float64 finite differences of matmulForwardCpu', () => {
  // Small odd shapes: no dimension is a multiple of another, C = 1 included.
  for (const [BT, C, OC] of [
    [3, 5, 7],
    [5, 1, 4],
    [2, 6, 3],
  ] as [number, number, number][]) {
    it(`BT=${BT} C=${C} OC=${OC}`, () => {
      const { inp, weight, bias, dout } = problem(BT, C, OC, BT * 100 + C * 10 + OC);
      // L = Σ dout · forward(inp, weight, bias); its gradient is what backward must give.
      const out = new Float64Array(BT * OC);
      const loss = () => {
        matmulForwardCpu(out, inp, weight, bias, BT, C, OC);
        return dot(dout, out);
      };
      const dinp = new Float64Array(BT * C);
      const dweight = new Float64Array(OC * C);
      const dbias = new Float64Array(OC);
      matmulBackwardCpu(dinp, dweight, dbias, dout, inp, weight, BT, C, OC);
      const checks: [string, Float64Array, Float64Array][] = [
        ['dinp', dinp, numericGradient(loss, inp)],
        ['dweight', dweight, numericGradient(loss, weight)],
        ['dbias', dbias, numericGradient(loss, bias)],
      ];
      for (const [name, analytic, numeric] of checks) {
        const c = compareArrays(analytic, numeric, 1e-7, 1e-6);
        expect(c.ok, describeComparison(name, c)).toBe(true);
      }
    });
  }

  it('accumulates dweight and dbias (+=) and assigns dinp (=)', () => {
    const [BT, C, OC] = [4, 3, 5];
    const { inp, weight, dout } = problem(BT, C, OC, 9);
    const fresh = { dinp: new Float64Array(BT * C), dweight: new Float64Array(OC * C), dbias: new Float64Array(OC) };
    matmulBackwardCpu(fresh.dinp, fresh.dweight, fresh.dbias, dout, inp, weight, BT, C, OC);
    // Start from non-zero gradients: parameters' add to them, dinp's replace them.
    const dinp = new Float64Array(BT * C).fill(100);
    const dweight = toFloat64(randomFloats(OC * C, 10));
    const dbias = toFloat64(randomFloats(OC, 11));
    const before = { dweight: dweight.slice(), dbias: dbias.slice() };
    matmulBackwardCpu(dinp, dweight, dbias, dout, inp, weight, BT, C, OC);
    expect([...dinp]).toEqual([...fresh.dinp]);
    for (let i = 0; i < dweight.length; i++) {
      expect(dweight[i]).toBeCloseTo((before.dweight[i] as number) + (fresh.dweight[i] as number), 12);
    }
    for (let i = 0; i < dbias.length; i++) {
      expect(dbias[i]).toBeCloseTo((before.dbias[i] as number) + (fresh.dbias[i] as number), 12);
    }
  });

  it('leaves dbias alone when it is null (no bias)', () => {
    const { inp, weight, dout } = problem(2, 3, 2, 4);
    const dinp = new Float64Array(6);
    const dweight = new Float64Array(6);
    matmulBackwardCpu(dinp, dweight, null, dout, inp, weight, 2, 3, 2);
    expect(dweight.some((v) => v !== 0)).toBe(true);
  });
});
