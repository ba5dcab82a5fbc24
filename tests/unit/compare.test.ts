import { describe, expect, it } from 'vitest';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats, seededRandom } from '../../client/numerics/random';

describe('compareArrays', () => {
  it('accepts values within atol + |want|·rtol and rejects the first beyond it', () => {
    const want = [1, 100, 0];
    // Allowed errors: 1e-3 + 1e-2·|want| = 0.011, 1.001, 0.001.
    expect(compareArrays([1.0109, 100.9, 0.0009], want, 1e-3, 1e-2).ok).toBe(true);
    const c = compareArrays([1.02, 100.9, 0.002], want, 1e-3, 1e-2);
    expect(c.ok).toBe(false);
    expect(c.mismatchCount).toBe(2);
    expect(c.firstMismatches.map((m) => m.index)).toEqual([0, 2]);
    expect(c.maxAbsError).toBeCloseTo(0.9, 10);
  });

  it('never lets NaN pass, on either side', () => {
    expect(compareArrays([Number.NaN], [1], 1, 1).ok).toBe(false);
    expect(compareArrays([1], [Number.NaN], 1, 1).ok).toBe(false);
    expect(compareArrays([1, Number.NaN], [1, 1], 1, 1).maxAbsError).toBeNaN();
  });

  it('keeps only the first few mismatches and names them in its description', () => {
    const c = compareArrays(new Array(10).fill(1), new Array(10).fill(0), 0, 0, 3);
    expect(c.mismatchCount).toBe(10);
    expect(c.firstMismatches).toHaveLength(3);
    expect(describeComparison('x', c)).toBe(
      'x: 10 of 10 values differ; first:\n  [0] got 1 want 0\n  [1] got 1 want 0\n  [2] got 1 want 0',
    );
  });

  it('refuses arrays of different lengths', () => {
    expect(() => compareArrays([1, 2], [1], 0, 0)).toThrow(/lengths differ/);
  });
});

describe('seeded random numbers', () => {
  it('repeat for a seed, differ between seeds, and stay in range', () => {
    expect(randomFloats(100, 7)).toEqual(randomFloats(100, 7));
    expect(randomFloats(100, 7)).not.toEqual(randomFloats(100, 8));
    const next = seededRandom(3);
    for (let i = 0; i < 1000; i++) {
      const x = next();
      expect(x >= 0 && x < 1).toBe(true);
    }
    for (const x of randomFloats(1000, 1, 0.5)) expect(Math.abs(x)).toBeLessThanOrEqual(0.5);
  });
});
