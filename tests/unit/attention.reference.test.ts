import { describe, expect, it } from 'vitest';
import { dot, numericGradient, toFloat64 } from '../../client/numerics/gradient-check';
import { randomFloats } from '../../client/numerics/random';
import { attentionBackwardCpu, attentionForwardCpu } from '../../shaders/attention.reference';

interface Shape {
  B: number;
  T: number;
  C: number;
  NH: number;
}

/** qkv (B, T, 3C) and dout (B, T, C) in float64, from seeded f32 data. */
function inputs({ B, T, C }: Shape, seed: number) {
  return { qkv: toFloat64(randomFloats(B * T * 3 * C, seed)), dout: toFloat64(randomFloats(B * T * C, seed + 1)) };
}

function forward(qkv: Float64Array, { B, T, C, NH }: Shape) {
  const out = new Float64Array(B * T * C);
  const stats = new Float64Array(B * NH * T);
  attentionForwardCpu(out, stats, qkv, B, T, C, NH);
  return { out, stats };
}

describe('attentionForwardCpu', () => {
  it('gives out = v at T = 1 (a query sees only itself) and stats = its scaled score', () => {
    const shape = { B: 1, T: 1, C: 4, NH: 2 };
    const qkv = new Float64Array([1, 2, 3, 4, 0.5, -1, 2, 0, 7, 8, 9, 10]);
    const { out, stats } = forward(qkv, shape);
    expect([...out]).toEqual([7, 8, 9, 10]);
    // HS = 2: head 0 score (1·0.5 + 2·-1)/√2, head 1 (3·2 + 4·0)/√2.
    expect(stats[0]).toBeCloseTo(-1.5 / Math.SQRT2, 12);
    expect(stats[1]).toBeCloseTo(6 / Math.SQRT2, 12);
  });

  it('is causal: changing a later key or value leaves earlier outputs alone', () => {
    const shape = { B: 1, T: 4, C: 6, NH: 2 };
    const { qkv } = inputs(shape, 3);
    const before = forward(qkv, shape).out;
    for (let c = 6; c < 18; c++) qkv[3 * 18 + c] = 5; // k and v of t = 3
    const after = forward(qkv, shape).out;
    expect([...after.subarray(0, 3 * 6)]).toEqual([...before.subarray(0, 3 * 6)]);
    expect([...after.subarray(3 * 6)]).not.toEqual([...before.subarray(3 * 6)]);
  });

  it('rejects C not a multiple of NH', () => {
    expect(() => forward(new Float64Array(15), { B: 1, T: 1, C: 5, NH: 2 })).toThrow(/multiple of NH/);
  });
});

describe('attentionBackwardCpu vs float64 finite differences of L = dout · out', () => {
  const shapes: Shape[] = [
    { B: 1, T: 3, C: 6, NH: 2 },
    { B: 2, T: 5, C: 4, NH: 1 },
    { B: 1, T: 4, C: 9, NH: 3 },
  ];
  for (const shape of shapes) {
    it(`B=${shape.B} T=${shape.T} C=${shape.C} NH=${shape.NH}`, () => {
      const { B, T, C, NH } = shape;
      const { qkv, dout } = inputs(shape, B * 100 + T * 10 + C);
      const { out, stats } = forward(qkv, shape);
      const dqkv = new Float64Array(B * T * 3 * C);
      attentionBackwardCpu(dqkv, dout, qkv, out, stats, B, T, C, NH);
      const numeric = numericGradient(() => dot(dout, forward(qkv, shape).out), qkv);
      for (let i = 0; i < qkv.length; i++) {
        expect(Math.abs((dqkv[i] as number) - (numeric[i] as number)), `dqkv[${i}]`).toBeLessThan(1e-7);
      }
    });
  }

  it('assigns dqkv: stale values in the gradient buffer do not leak in', () => {
    const shape = { B: 1, T: 3, C: 6, NH: 2 };
    const { qkv, dout } = inputs(shape, 9);
    const { out, stats } = forward(qkv, shape);
    const fresh = new Float64Array(qkv.length);
    const stale = new Float64Array(qkv.length).fill(123);
    attentionBackwardCpu(fresh, dout, qkv, out, stats, 1, 3, 6, 2);
    attentionBackwardCpu(stale, dout, qkv, out, stats, 1, 3, 6, 2);
    expect([...stale]).toEqual([...fresh]);
    expect(fresh.some((x) => x !== 0)).toBe(true);
  });
});
