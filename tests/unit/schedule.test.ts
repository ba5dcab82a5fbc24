import { describe, expect, it } from 'vitest';
import { learningRate } from '../../client/train/schedule';

const s = { maxLr: 1e-3, minLr: 1e-4, warmupSteps: 10, totalSteps: 110 };

describe('learning-rate schedule: linear warmup, cosine decay', () => {
  it('warms up linearly to maxLr', () => {
    expect(learningRate(s, 0)).toBeCloseTo(1e-4, 12);
    expect(learningRate(s, 4)).toBeCloseTo(5e-4, 12);
    expect(learningRate(s, 9)).toBeCloseTo(1e-3, 12);
  });

  it('decays along a cosine to minLr and stays there', () => {
    expect(learningRate(s, 10)).toBeCloseTo(1e-3, 12);
    expect(learningRate(s, 60)).toBeCloseTo(5.5e-4, 12); // half way: the mean of max and min
    expect(learningRate(s, 110)).toBeCloseTo(1e-4, 12);
    expect(learningRate(s, 500)).toBe(1e-4);
    for (let step = 10; step < 110; step++)
      expect(learningRate(s, step + 1)).toBeLessThanOrEqual(learningRate(s, step));
  });
});
