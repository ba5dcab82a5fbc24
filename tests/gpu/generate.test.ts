import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { GptSampler } from '../../client/model/generate';
import { gptPreset } from '../../client/model/gpt-config';
import { GptCpuReference } from '../../client/model/gpt-cpu-reference';
import { gptParamLayout, initGptParams } from '../../client/model/gpt-params';
import { ByteTokenizer } from '../../client/text/byte-tokenizer';
import { decodeUtf8Strict } from '../../client/text/utf8';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let sampler: GptSampler;
const config = gptPreset('tiny', 256);
// Random weights 20x GPT-2's init: peaked, varied logits, so greedy picks are clear-cut.
const params = initGptParams(gptParamLayout(config), 99).map((x) => x * 20);
const tokenizer = new ByteTokenizer();

beforeAll(async () => {
  gpu = await testGpu();
  sampler = await GptSampler.create(new KernelRunner(gpu), config, params, tokenizer);
});
afterAll(() => {
  sampler?.destroy();
  gpu?.destroy();
});

async function collect(prompt: Uint32Array, options: Parameters<GptSampler['tokens']>[1]): Promise<number[]> {
  const ids: number[] = [];
  for await (const id of sampler.tokens(prompt, options)) ids.push(id);
  return ids;
}

/** Greedy decoding with the float64 CPU reference: argmax of the last position's logits. */
function greedyCpu(prompt: number[], count: number): number[] {
  const reference = new GptCpuReference(config, params);
  const context = [...prompt];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const window = context.slice(-config.contextLength);
    const inputs = Uint32Array.from(window);
    const { logits } = reference.forward(inputs, new Uint32Array(window.length), 1, window.length);
    const row = logits.subarray((window.length - 1) * 256, window.length * 256);
    let best = 0;
    for (let v = 1; v < 256; v++) if ((row[v] as number) > (row[best] as number)) best = v;
    context.push(best);
    out.push(best);
  }
  return out;
}

describe('generation on the GPU', () => {
  it('greedy tokens equal the CPU reference argmax, past the context window (sliding)', async () => {
    const prompt = Array.from(new TextEncoder().encode('Hello, '));
    const count = 30; // 7 + 30 > T = 32: the window slides
    const gpuIds = await collect(Uint32Array.from(prompt), { maxTokens: count, temperature: 0, topK: 0, seed: 1 });
    expect(gpuIds).toEqual(greedyCpu(prompt, count));
  });

  it('samples reproducibly from a seed, and differently from another seed', async () => {
    const prompt = Uint32Array.from([65, 66, 67]);
    const options = { maxTokens: 20, temperature: 1, topK: 40, seed: 5 };
    const a = await collect(prompt, options);
    const b = await collect(prompt, options);
    const c = await collect(prompt, { ...options, seed: 6 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(a.every((id) => id >= 0 && id < 256)).toBe(true);
  });

  it('takes a Chinese prompt and returns valid UTF-8 text', async () => {
    const pieces: string[] = [];
    const text = await sampler.generate('人工智能', { maxTokens: 40, temperature: 1, topK: 0, seed: 3 }, (t) =>
      pieces.push(t),
    );
    expect(pieces.join('')).toBe(text);
    // Random bytes rarely form characters: undecodable ones must come out as U+FFFD, never as broken text.
    const bytes = new TextEncoder().encode(text);
    expect(decodeUtf8Strict(bytes)).toBe(text);
    expect(text.length).toBeGreaterThan(0);
  });

  it('stops after the first newline when asked, and refuses an empty prompt', async () => {
    const text = await sampler.generate('a', {
      maxTokens: 60,
      temperature: 1.5,
      topK: 0,
      seed: 11,
      stopAtNewline: true,
    });
    const newline = text.indexOf('\n');
    expect(newline === -1 || newline === text.length - 1).toBe(true);
    await expect(collect(new Uint32Array(0), { maxTokens: 1, temperature: 0, topK: 0, seed: 1 })).rejects.toThrow(
      'the prompt is empty',
    );
  });
});
