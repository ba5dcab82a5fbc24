import { describe, expect, it } from 'vitest';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { dot, numericGradient, toFloat64 } from '../../client/numerics/gradient-check';
import { randomFloats } from '../../client/numerics/random';
import { encoderBackwardCpu, encoderForwardCpu } from '../../shaders/encoder.reference';
import { bucketPositionsByToken } from '../../shaders/encoder_buckets';

/** Token ids with repeats: position bt gets (bt·7 + 3) mod V, then a few copies of token 1. */
function tokens(BT: number, V: number): Uint32Array {
  const inp = new Uint32Array(BT);
  for (let bt = 0; bt < BT; bt++) inp[bt] = bt % 4 === 0 ? 1 : (bt * 7 + 3) % V;
  return inp;
}

describe('encoderForwardCpu / encoderBackwardCpu', () => {
  it('adds the token row of wte to the position row of wpe', () => {
    // V=3, C=2, B=1, T=2: tokens [2, 0]
    const wte = new Float32Array([1, 2, 3, 4, 5, 6]);
    const wpe = new Float32Array([10, 20, 30, 40]);
    const out = new Float32Array(4);
    encoderForwardCpu(out, new Uint32Array([2, 0]), wte, wpe, 1, 2, 2, 3);
    expect([...out]).toEqual([15, 26, 31, 42]);
  });

  for (const [B, T, C, V] of [
    [2, 3, 5, 4],
    [1, 7, 3, 5],
  ] as const) {
    it(`backward matches float64 finite differences and accumulates, B=${B} T=${T} C=${C} V=${V}`, () => {
      const inp = tokens(B * T, V);
      const wte = toFloat64(randomFloats(V * C, 1));
      const wpe = toFloat64(randomFloats(T * C, 2));
      const dout = toFloat64(randomFloats(B * T * C, 3));
      const loss = () => {
        const out = new Float64Array(B * T * C);
        encoderForwardCpu(out, inp, wte, wpe, B, T, C, V);
        return dot(dout, out);
      };
      const numericWte = numericGradient(loss, wte);
      const numericWpe = numericGradient(loss, wpe);
      // Parameter gradients accumulate: start from non-zero values and expect them added to.
      const dwte = toFloat64(randomFloats(V * C, 4));
      const dwpe = toFloat64(randomFloats(T * C, 5));
      const wantWte = numericWte.map((g, i) => g + (dwte[i] as number));
      const wantWpe = numericWpe.map((g, i) => g + (dwpe[i] as number));
      encoderBackwardCpu(dwte, dwpe, dout, inp, B, T, C, V);
      for (const [name, got, want] of [
        ['dwte', dwte, wantWte],
        ['dwpe', dwpe, wantWpe],
      ] as const) {
        const c = compareArrays(got, want, 1e-8, 1e-7);
        expect(c.ok, describeComparison(name, c)).toBe(true);
      }
    });
  }

  it('throws a RangeError naming an out-of-range token id', () => {
    const out = new Float32Array(4);
    const f = () =>
      encoderForwardCpu(out, new Uint32Array([0, 3]), new Float32Array(6), new Float32Array(4), 1, 2, 2, 3);
    expect(f).toThrow(RangeError);
    expect(f).toThrow(/token id 3 at position 1 .* vocabulary of 3/);
  });
});

describe('bucketPositionsByToken (the CPU half of encoder_backward_wte)', () => {
  it('groups positions by token, tokens ascending, positions ascending, unused slots empty', () => {
    const { buckets, positions } = bucketPositionsByToken(new Uint32Array([3, 1, 3, 0, 1, 3]), 6, 5);
    // 5 slots (min(BT=6, V=5)); three distinct tokens: 0 at [3], 1 at [1, 4], 3 at [0, 2, 5].
    expect([...buckets]).toEqual([0, 0, 1, 1, 1, 3, 3, 3, 6, 0, 0, 0, 0, 0, 0]);
    expect([...positions]).toEqual([3, 1, 4, 0, 2, 5]);
  });

  it('rejects a token id ≥ V', () => {
    expect(() => bucketPositionsByToken(new Uint32Array([0, 50]), 2, 50)).toThrow(RangeError);
  });
});
