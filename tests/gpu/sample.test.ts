import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32, readUint32 } from '../../client/gpu/buffers';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { randomFloats, seededRandom } from '../../client/numerics/random';
import { sampleSoftmax, sampleTokens } from '../../shaders/sample';
import { sampleSoftmaxCpu, sampleTokensCpu } from '../../shaders/sample.reference';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

interface Draw {
  logits: Float32Array;
  coins: Float32Array;
  rows: number;
  offset: number;
  rowStride: number;
  V: number;
  temperature: number;
  topK: number;
}

async function gpuTokens(d: Draw): Promise<Uint32Array> {
  const logits = createStorageBuffer(gpu, 'logits', d.logits);
  const coins = createStorageBuffer(gpu, 'coins', d.coins);
  const tokens = createStorageBuffer(gpu, 'tokens', d.rows);
  await sampleTokens(runner, tokens, logits, coins, d.rows, d.offset, d.rowStride, d.V, d.temperature, d.topK);
  const got = await readUint32(gpu, tokens, d.rows);
  for (const b of [logits, coins, tokens]) b.destroy();
  return got;
}

function cpuTokens(d: Draw): Uint32Array {
  const tokens = new Uint32Array(d.rows);
  sampleTokensCpu(tokens, d.logits, d.coins, d.rows, d.offset, d.rowStride, d.V, d.temperature, d.topK);
  return tokens;
}

/** `count` coins from seededRandom, as the generator will draw them. */
function seededCoins(count: number, seed: number): Float32Array {
  const next = seededRandom(seed);
  return Float32Array.from({ length: count }, () => next());
}

describe('sample_token on Dawn: the same tokens as the CPU reference', () => {
  it('greedy argmax ties to the lowest index (V=50 and V=50257, one row each, in place in a batch)', async () => {
    for (const V of [50, 50257]) {
      const logits = randomFloats(3 * V, V, 2);
      // Row 1 (the one sampled, at offset V) has its max 3 times; row 0 and 2 have larger values as decoys.
      for (const i of [V - 1, 7, Math.floor(V / 2)]) logits[V + i] = 5;
      logits[0] = 9;
      logits[2 * V + 3] = 9;
      const d: Draw = {
        logits,
        coins: new Float32Array([0.7]),
        rows: 1,
        offset: V,
        rowStride: 0,
        V,
        temperature: 0,
        topK: 0,
      };
      expect([...(await gpuTokens(d))]).toEqual([7]);
      expect([...cpuTokens(d)]).toEqual([7]);
    }
  });

  // 200 coins each up to V = 5000; fewer at V = 50257, where SwiftShader needs ~25-50 ms per row.
  const CASES = [
    { V: 50, temperature: 1, topK: 0, coins: 200, quantized: false },
    { V: 50, temperature: 0.8, topK: 7, coins: 200, quantized: true },
    { V: 257, temperature: 1, topK: 0, coins: 200, quantized: false },
    { V: 257, temperature: 1.3, topK: 64, coins: 200, quantized: true },
    { V: 5000, temperature: 1, topK: 64, coins: 200, quantized: false },
    { V: 50257, temperature: 1, topK: 0, coins: 100, quantized: false },
    { V: 50257, temperature: 0.7, topK: 40, coins: 50, quantized: true },
    { V: 50257, temperature: 1, topK: 64, coins: 25, quantized: false },
  ];
  for (const c of CASES) {
    const name = `V=${c.V} temperature=${c.temperature} topK=${c.topK}${c.quantized ? ' (many tied logits)' : ''}: ${c.coins} coins`;
    it(name, async () => {
      const logits = randomFloats(c.V, c.V + c.topK, 4);
      // Quantized logits tie often, so the (value desc, index asc) order decides the picks.
      if (c.quantized) for (let i = 0; i < c.V; i++) logits[i] = Math.round((logits[i] as number) * 2) / 2;
      const d: Draw = {
        logits,
        coins: seededCoins(c.coins, c.V),
        rows: c.coins,
        offset: 0,
        rowStride: 0,
        V: c.V,
        temperature: c.temperature,
        topK: c.topK,
      };
      const got = await gpuTokens(d);
      const want = cpuTokens(d);
      const differing = [...want.keys()].filter((i) => got[i] !== want[i]);
      const detail = differing.slice(0, 5).map((i) => `coin ${d.coins[i]}: gpu ${got[i]} cpu ${want[i]}`);
      expect(differing.length, `tokens differ:\n${detail.join('\n')}`).toBe(0);
      expect(new Set(want).size).toBeGreaterThan(3); // many distinct tokens: the draws really sample
    });
  }

  it('samples several rows at offset + r·stride, each with its own coin', async () => {
    const [rows, V, T] = [3, 257, 4];
    const logits = randomFloats(rows * T * V, 71, 3); // (B=3, T=4, V): sample the last position of each sequence
    const d: Draw = {
      logits,
      coins: seededCoins(rows, 72),
      rows,
      offset: (T - 1) * V,
      rowStride: T * V,
      V,
      temperature: 1,
      topK: 20,
    };
    expect([...(await gpuTokens(d))]).toEqual([...cpuTokens(d)]);
  });

  it('gives the same tokens for the same inputs twice', async () => {
    const V = 1000;
    const d: Draw = {
      logits: randomFloats(V, 81, 3),
      coins: seededCoins(64, 82),
      rows: 64,
      offset: 0,
      rowStride: 0,
      V,
      temperature: 1,
      topK: 0,
    };
    expect(await gpuTokens(d)).toEqual(await gpuTokens(d));
  });
});

describe('sample_softmax on Dawn vs the CPU reference', () => {
  for (const [V, temperature] of [
    [50, 1],
    [257, 0.5],
    [50257, 1.7],
  ] as const) {
    it(`V=${V} temperature=${temperature}`, async () => {
      const logits = randomFloats(V + 3, V, 4);
      const want = new Float32Array(V);
      sampleSoftmaxCpu(want, logits, 3, V, temperature);
      const lb = createStorageBuffer(gpu, 'logits', logits);
      const pb = createStorageBuffer(gpu, 'probs', V);
      await sampleSoftmax(runner, pb, lb, 3, V, temperature);
      const c = compareArrays(await readFloat32(gpu, pb, V), want, 1e-7, 1e-4);
      expect(c.ok, describeComparison('sample_softmax probs', c)).toBe(true);
      lb.destroy();
      pb.destroy();
    });
  }
});
