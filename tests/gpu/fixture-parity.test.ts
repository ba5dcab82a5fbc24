import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGptCheckpoint } from '../../client/checkpoint/gpt-checkpoint';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { cpuCompletionModel } from '../../client/model/cpu-completion-model';
import { GptSampler } from '../../client/model/generate';
import { completionTokens } from '../../client/onnx/complete';
import { testGpu } from './gpu-context';

/**
 * The checkpoint the Worker tests serve (tests/fixtures/tiny-names.safetensors,
 * trained by `npm run train`): the WGSL engine's tokens equal the float64 CPU
 * reference's, which tests/worker/complete.test.ts holds /complete (ONNX in
 * workerd) to. So the browser, Node and the edge agree on this very file.
 */

const checkpoint = readGptCheckpoint(
  new Uint8Array(await readFile(new URL('../fixtures/tiny-names.safetensors', import.meta.url))),
);
let gpu: GpuContext;
let sampler: GptSampler;

async function collect<T>(tokens: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const t of tokens) out.push(t);
  return out;
}

beforeAll(async () => {
  gpu = await testGpu();
  sampler = await GptSampler.create(new KernelRunner(gpu), checkpoint.config, checkpoint.params, checkpoint.tokenizer);
});
afterAll(() => {
  sampler?.destroy();
  gpu?.destroy();
});

describe('the shared fixture checkpoint: WGSL engine vs CPU reference', () => {
  for (const [prompt, options] of [
    ['\nMa', { maxTokens: 48, temperature: 0, topK: 40, seed: 1 }],
    ['\nJo', { maxTokens: 40, temperature: 0.9, topK: 20, seed: 7 }],
  ] as const) {
    it(`${JSON.stringify(prompt)} at temperature ${options.temperature}: the same tokens`, async () => {
      const ids = checkpoint.tokenizer.encode(prompt);
      const gpuTokens = await collect(sampler.tokens(ids, options));
      const cpuTokens = await collect(
        completionTokens(cpuCompletionModel(checkpoint.config, checkpoint.params), ids, options),
      );
      expect(gpuTokens).toEqual(cpuTokens);
      expect(gpuTokens).toHaveLength(options.maxTokens);
    });
  }
});
