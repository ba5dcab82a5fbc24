import { describe, expect, it } from 'vitest';
import { randomFloats, seededRandom } from '../../client/numerics/random';
import { sampleSoftmaxCpu, sampleTokensCpu, sampleUniforms } from '../../shaders/sample.reference';

/** One row, one coin. */
function sample(logits: ArrayLike<number>, temperature: number, topK: number, coin: number): number {
  const tokens = new Uint32Array(1);
  sampleTokensCpu(
    tokens,
    Float32Array.from(logits),
    new Float32Array([coin]),
    1,
    0,
    0,
    logits.length,
    temperature,
    topK,
  );
  return tokens[0] as number;
}

describe('sampleTokensCpu (the reference the GPU must match token for token)', () => {
  it('draws by cumulative weight in index order without truncation, worked by hand', () => {
    // Weights 1 and 3 (total 4): coin·4 < 1 picks token 0, else token 1.
    const logits = [0, Math.log(3)];
    expect(sample(logits, 1, 0, 0)).toBe(0);
    expect(sample(logits, 1, 0, 0.2)).toBe(0);
    expect(sample(logits, 1, 0, 0.3)).toBe(1);
    expect(sample(logits, 1, 0, 0.999)).toBe(1);
  });

  it('orders top-k candidates by value descending, then index ascending', () => {
    // Top 2 of [0, ln 3, -100] are token 1 (weight 1) then token 0 (weight 1/3): total 4/3.
    const logits = [0, Math.log(3), -100];
    expect(sample(logits, 1, 2, 0.7)).toBe(1);
    expect(sample(logits, 1, 2, 0.8)).toBe(0);
    // Ties: equal logits keep index order, so the lowest index comes first.
    expect(sample([1, 5, 5, 5], 1, 2, 0.4)).toBe(1);
    expect(sample([1, 5, 5, 5], 1, 2, 0.6)).toBe(2);
  });

  it('is greedy at temperature 0 and at top-k 1, ties to the lowest index', () => {
    const logits = [0.5, 2, -1, 2, 2];
    for (const coin of [0, 0.5, 0.9999999]) {
      expect(sample(logits, 0, 0, coin)).toBe(1);
      expect(sample(logits, 0.7, 1, coin)).toBe(1);
      expect(sample(logits, 1e-45, 0, coin)).toBe(1); // 1/temperature overflows f32: greedy
    }
  });

  it('handles coins at the ends of [0, 1) and reads rows at offset + r·stride', () => {
    const V = 5;
    const logits = randomFloats(3 * V + 2, 8);
    const tokens = new Uint32Array(3);
    sampleTokensCpu(tokens, logits, new Float32Array([0, 0.5, 1 - 1e-12]), 3, 2, V, V, 1, 0);
    for (let r = 0; r < 3; r++) {
      const row = logits.subarray(2 + r * V, 2 + r * V + V);
      expect(tokens[r]).toBe(sample(row, 1, 0, [0, 0.5, 1 - 1e-12][r] as number));
    }
    expect(sample([3, 1, 2], 1, 0, 1 - 1e-12)).toBe(2); // the last token with weight > 0
  });

  for (const [V, topK] of [
    [1000, 0],
    [1000, 10],
    [300, 64],
  ] as const) {
    it(`agrees with a plain float64 sampler away from boundaries (V=${V} topK=${topK}, 200 coins)`, () => {
      const logits = randomFloats(V, V + topK, 3);
      const next = seededRandom(99);
      // float64 distribution over the same candidates.
      const order = Array.from(logits.keys()).sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
      const candidates = topK > 0 ? order.slice(0, topK) : Array.from(logits.keys());
      const max = Math.max(...logits);
      const weights = candidates.map((i) => Math.exp((logits[i] as number) - max));
      const total = weights.reduce((a, b) => a + b, 0);
      let checked = 0;
      const seen = new Set<number>();
      for (let draw = 0; draw < 200; draw++) {
        const coin = Math.fround(next());
        let cumulative = 0;
        let want = -1;
        let margin = Number.POSITIVE_INFINITY;
        for (const [j, w] of weights.entries()) {
          const before = cumulative;
          cumulative += w;
          margin = Math.min(margin, Math.abs(cumulative - coin * total));
          if (want < 0 && cumulative > coin * total) want = candidates[j] as number;
          if (cumulative > coin * total && before > coin * total) break;
        }
        if (margin < 1e-5 * total) continue; // too near a boundary for float64 vs f32
        checked++;
        const got = sample(logits, 1, topK, coin);
        seen.add(got);
        expect(got).toBe(want);
      }
      expect(checked).toBeGreaterThan(190);
      expect(seen.size).toBeGreaterThan(5); // really sampling, not argmax
    });
  }

  it('rejects settings the kernel cannot honour', () => {
    expect(() => sampleUniforms(1, 0, 0, 100, 1, 65)).toThrow(RangeError);
    expect(() => sampleUniforms(1, 0, 0, 100, -1, 0)).toThrow(RangeError);
    expect(() => sampleUniforms(1, 0, 0, 0, 1, 0)).toThrow(RangeError);
    expect(sampleUniforms(1, 0, 0, 100, 1, 100).k).toBe(100); // k >= V: no truncation
    expect(sampleUniforms(1, 0, 0, 100, 1, 0).k).toBe(100);
    expect(sampleUniforms(1, 0, 0, 100, 0, 50).k).toBe(1);
  });
});

describe('sampleSoftmaxCpu', () => {
  it('gives softmax(logits / temperature)', () => {
    const probs = new Float64Array(2);
    sampleSoftmaxCpu(probs, new Float64Array([7, 0, Math.log(3)]), 1, 2, 0.5);
    // logits [0, ln 3] / 0.5 → weights 1 and 9.
    expect(probs[0]).toBeCloseTo(0.1, 14);
    expect(probs[1]).toBeCloseTo(0.9, 14);
    expect(() => sampleSoftmaxCpu(probs, new Float64Array(2), 0, 2, 0)).toThrow(RangeError);
  });
});
