import { describe, expect, it } from 'vitest';
import { evalBatches, sampleBatch } from '../../client/data/batches';
import { Mulberry32 } from '../../client/data/mulberry32';
import { seededRandom } from '../../client/numerics/random';

// tokens[i] = i, so a window is recognisable by its first id.
const ramp = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

describe('Mulberry32', () => {
  it('draws the same sequence as seededRandom', () => {
    const reference = seededRandom(1234);
    const rng = new Mulberry32(1234);
    for (let i = 0; i < 100; i++) expect(rng.next()).toBe(reference());
  });

  it('resumes from its saved u32 state', () => {
    const rng = new Mulberry32(7);
    for (let i = 0; i < 10; i++) rng.next();
    const saved = rng.state;
    const after = [rng.next(), rng.next(), rng.next()];
    const restored = new Mulberry32(0);
    restored.state = saved;
    expect([restored.next(), restored.next(), restored.next()]).toEqual(after);
    expect(() => {
      restored.state = -1;
    }).toThrow('u32');
  });
});

describe('sampleBatch', () => {
  it('gives (B, T) windows whose targets are the inputs shifted by one', () => {
    const tokens = ramp(50);
    const { inputs, targets } = sampleBatch(tokens, 4, 8, new Mulberry32(1));
    expect(inputs).toHaveLength(32);
    for (let row = 0; row < 4; row++) {
      const start = inputs[row * 8] as number;
      expect(start).toBeLessThanOrEqual(50 - 8 - 1);
      for (let t = 0; t < 8; t++) {
        expect(inputs[row * 8 + t]).toBe(start + t);
        expect(targets[row * 8 + t]).toBe(start + t + 1);
      }
    }
  });

  it('reaches every start, including the last one, and no further', () => {
    const tokens = ramp(12); // T = 8: starts 0..3
    const rng = new Mulberry32(3);
    const starts = new Set<number>();
    for (let i = 0; i < 200; i++) starts.add(sampleBatch(tokens, 1, 8, rng).inputs[0] as number);
    expect([...starts].sort()).toEqual([0, 1, 2, 3]);
  });

  it('continues the exact same batch sequence after a save and restore of the rng state', () => {
    const tokens = ramp(1000);
    const rng = new Mulberry32(42);
    for (let i = 0; i < 5; i++) sampleBatch(tokens, 4, 16, rng);
    const saved = rng.state;
    const expected = [sampleBatch(tokens, 4, 16, rng), sampleBatch(tokens, 4, 16, rng)];
    const resumed = new Mulberry32(0);
    resumed.state = saved;
    expect([sampleBatch(tokens, 4, 16, resumed), sampleBatch(tokens, 4, 16, resumed)]).toEqual(expected);
  });

  it('writes into given buffers and refuses wrong sizes or too few tokens', () => {
    const out = { inputs: new Uint32Array(6), targets: new Uint32Array(6) };
    expect(sampleBatch(ramp(10), 2, 3, new Mulberry32(1), out)).toBe(out);
    expect(() => sampleBatch(ramp(10), 2, 4, new Mulberry32(1), out)).toThrow('B*T = 8');
    expect(() => sampleBatch(ramp(8), 1, 8, new Mulberry32(1))).toThrow('needs 9 tokens, have 8');
  });
});

describe('evalBatches', () => {
  it('spaces windows evenly from the first start to the last, the same every time', () => {
    const tokens = ramp(100);
    const batches = evalBatches(tokens, 2, 10, 3); // 6 windows, starts 0..89
    const starts = batches.flatMap((b) => [b.inputs[0], b.inputs[10]]);
    expect(starts).toEqual([0, 17, 35, 53, 71, 89]);
    expect(batches[2]?.targets[19]).toBe(99); // the last window ends at the last token
    expect(evalBatches(tokens, 2, 10, 3)).toEqual(batches);
  });

  it('handles a single window', () => {
    expect(Array.from(evalBatches(ramp(5), 1, 4, 1)[0]?.inputs ?? [])).toEqual([0, 1, 2, 3]);
  });
});
