import { describe, expect, it } from 'vitest';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { toFloat64 } from '../../client/numerics/gradient-check';
import { randomFloats } from '../../client/numerics/random';
import { type AdamWSettings, adamwCpu, biasCorrections } from '../../shaders/adamw.reference';
import { elementGrid, MAX_WORKGROUPS_PER_DIMENSION } from '../../shaders/elementwise_grid';

const SETTINGS: AdamWSettings = { learningRate: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

describe('adamwCpu (the reference the GPU is held to)', () => {
  it('takes the textbook first step: m̂ = g, v̂ = g², so params move by lr·(sign(g) + wd·p)', () => {
    const params = new Float64Array([1, -2, 0.5]);
    const grads = new Float64Array([0.3, -4, 0]);
    const m = new Float64Array(3);
    const v = new Float64Array(3);
    adamwCpu(params, grads, m, v, null, 3, SETTINGS, 1);
    const lr = SETTINGS.learningRate;
    const wd = SETTINGS.weightDecay;
    const eps = SETTINGS.eps;
    expect(params[0]).toBeCloseTo(1 - lr * (0.3 / (0.3 + eps) + wd * 1), 14);
    expect(params[1]).toBeCloseTo(-2 - lr * (-4 / (4 + eps) + wd * -2), 14);
    expect(params[2]).toBeCloseTo(0.5 - lr * wd * 0.5, 14);
    expect(m[1]).toBeCloseTo(0.1 * -4, 14);
    expect(v[1]).toBeCloseTo(0.05 * 16, 14);
  });

  it('agrees over 5 steps with the decoupled form p(1 - lr·wd) - (lr/bc1)·m / (sqrt(v)/sqrt(bc2) + eps)', () => {
    const N = 37;
    const params = toFloat64(randomFloats(N, 1));
    const m = new Float64Array(N);
    const v = new Float64Array(N);
    const p2 = Float64Array.from(params);
    const m2 = new Float64Array(N);
    const v2 = new Float64Array(N);
    const s = { ...SETTINGS, eps: 0 }; // eps enters the two forms differently; compare without it
    for (let t = 1; t <= 5; t++) {
      const grads = toFloat64(randomFloats(N, 10 + t));
      adamwCpu(params, grads, m, v, null, N, s, t);
      const { beta1Correction, beta2Correction } = biasCorrections(s, t);
      for (let i = 0; i < N; i++) {
        const g = grads[i] as number;
        m2[i] = s.beta1 * (m2[i] as number) + (1 - s.beta1) * g;
        v2[i] = s.beta2 * (v2[i] as number) + (1 - s.beta2) * g * g;
        const denom = Math.sqrt(v2[i] as number) / Math.sqrt(beta2Correction);
        p2[i] =
          (p2[i] as number) * (1 - s.learningRate * s.weightDecay) -
          (s.learningRate / beta1Correction) * ((m2[i] as number) / denom);
      }
    }
    const c = compareArrays(params, p2, 1e-12, 1e-10);
    expect(c.ok, describeComparison('params', c)).toBe(true);
  });

  it('multiplies gradients by normScale[1] (clipping)', () => {
    const grads = toFloat64(randomFloats(9, 2));
    const clipped = grads.map((g) => g * 0.25);
    const a = { p: toFloat64(randomFloats(9, 3)), m: new Float64Array(9), v: new Float64Array(9) };
    const b = { p: Float64Array.from(a.p), m: new Float64Array(9), v: new Float64Array(9) };
    adamwCpu(a.p, grads, a.m, a.v, new Float64Array([123, 0.25]), 9, SETTINGS, 1);
    adamwCpu(b.p, clipped, b.m, b.v, null, 9, SETTINGS, 1);
    expect(a.m).toEqual(b.m);
    expect(a.v).toEqual(b.v);
    expect(a.p).toEqual(b.p);
  });

  it('rejects step 0 (the bias corrections would divide by zero)', () => {
    expect(() => biasCorrections(SETTINGS, 0)).toThrow(RangeError);
  });
});

describe('elementGrid (the 2-D dispatch AdamW uses for large N)', () => {
  it('covers N with x <= 65535 and no more than one spare row', () => {
    for (const N of [1, 255, 256, 257, 65535 * 256, 65535 * 256 + 1, 124_439_808, 1_000_000_000]) {
      const [x, y, z] = elementGrid(N, 256);
      expect(x).toBeLessThanOrEqual(MAX_WORKGROUPS_PER_DIMENSION);
      expect(y).toBeLessThanOrEqual(MAX_WORKGROUPS_PER_DIMENSION);
      expect(z).toBe(1);
      expect(x * y * 256).toBeGreaterThanOrEqual(N);
      expect((x * (y - 1) + 1) * 256).toBeLessThan(N + 256 * 65535);
    }
    expect(elementGrid(1000, 256)).toEqual([4, 1, 1]);
    expect(elementGrid(65536 * 256, 256)).toEqual([65535, 2, 1]);
  });
});
