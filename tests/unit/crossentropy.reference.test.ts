import { describe, expect, it } from 'vitest';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { dot, numericGradient, toFloat64 } from '../../client/numerics/gradient-check';
import { randomFloats } from '../../client/numerics/random';
import {
  checkTargets,
  crossentropyBackwardCpu,
  crossentropyForwardCpu,
  crossentropyFusedCpu,
} from '../../shaders/crossentropy.reference';

function randomTargets(n: number, V: number, seed: number): Uint32Array {
  const r = randomFloats(n, seed);
  return Uint32Array.from(r, (x) => Math.floor(((x + 1) / 2) * V) % V);
}

describe('crossentropy reference', () => {
  it('gives -log softmax[target], worked by hand', () => {
    // One row, V = 3, logits [0, ln 2, ln 3]: softmax = [1, 2, 3] / 6.
    const logits = new Float64Array([0, Math.log(2), Math.log(3)]);
    const losses = new Float64Array(1);
    crossentropyForwardCpu(losses, logits, new Uint32Array([1]), 1, 1, 3);
    expect(losses[0]).toBeCloseTo(Math.log(3), 12);
    const dlogits = new Float64Array(3);
    crossentropyBackwardCpu(dlogits, new Float64Array([2]), logits, new Uint32Array([1]), 1, 1, 3);
    expect([...dlogits].map((x) => Number(x.toFixed(12)))).toEqual(
      [2 / 6, 2 * (2 / 6 - 1), 1].map((x) => Number(x.toFixed(12))),
    );
  });

  it('is stable for huge logits (max-subtracted)', () => {
    const losses = new Float64Array(1);
    crossentropyForwardCpu(losses, new Float64Array([1000, 1000]), new Uint32Array([0]), 1, 1, 2);
    expect(losses[0]).toBeCloseTo(Math.log(2), 12);
  });

  for (const [B, T, V] of [
    [1, 3, 5],
    [2, 3, 7],
  ] as const) {
    it(`backward matches float64 finite differences of Σ dlosses·losses (B=${B} T=${T} V=${V})`, () => {
      const logits = toFloat64(randomFloats(B * T * V, 11 + V, 2));
      const dlosses = toFloat64(randomFloats(B * T, 12 + V));
      const targets = randomTargets(B * T, V, 13 + V);
      const losses = new Float64Array(B * T);
      const loss = () => {
        crossentropyForwardCpu(losses, logits, targets, B, T, V);
        return dot(dlosses, losses);
      };
      const numeric = numericGradient(loss, logits);
      const dlogits = new Float64Array(B * T * V);
      crossentropyBackwardCpu(dlogits, dlosses, logits, targets, B, T, V);
      const c = compareArrays(dlogits, numeric, 1e-7, 1e-6);
      expect(c.ok, describeComparison('dlogits vs finite differences', c)).toBe(true);
    });
  }

  it('assigns dlogits (does not accumulate) and the fused form equals forward + backward', () => {
    const [B, T, V] = [2, 2, 9];
    const logits = randomFloats(B * T * V, 3, 2);
    const dlosses = randomFloats(B * T, 4);
    const targets = randomTargets(B * T, V, 5);
    const losses = new Float32Array(B * T);
    const dlogits = new Float32Array(B * T * V);
    crossentropyForwardCpu(losses, logits, targets, B, T, V);
    crossentropyBackwardCpu(dlogits, dlosses, logits, targets, B, T, V);
    const fusedLosses = new Float32Array(B * T).fill(123);
    const fusedDlogits = new Float32Array(B * T * V).fill(-7); // stale values must be overwritten
    crossentropyFusedCpu(fusedLosses, fusedDlogits, logits, dlosses, targets, B, T, V);
    expect(fusedLosses).toEqual(losses);
    expect(fusedDlogits).toEqual(dlogits);
  });

  it('gives NaN for a target outside [0, V), and checkTargets names it', () => {
    const logits = randomFloats(2 * 4, 6);
    const targets = new Uint32Array([1, 4]);
    const losses = new Float32Array(2);
    const dlogits = new Float32Array(8);
    crossentropyFusedCpu(losses, dlogits, logits, new Float32Array([1, 1]), targets, 1, 2, 4);
    expect(Number.isNaN(losses[0])).toBe(false);
    expect(Number.isNaN(losses[1])).toBe(true);
    expect([...dlogits.subarray(4)].every(Number.isNaN)).toBe(true);
    expect(() => checkTargets(targets, 4)).toThrow('targets[1] = 4');
    expect(() => checkTargets([0, 3], 4)).not.toThrow();
    expect(() => checkTargets([-1], 4)).toThrow(RangeError);
  });
});
