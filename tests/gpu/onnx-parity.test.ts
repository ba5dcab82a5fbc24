import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GptCheckpoint, readGptCheckpoint, writeGptCheckpoint } from '../../client/checkpoint/gpt-checkpoint';
import { loadBundledCorpus } from '../../client/data/bundled-corpora.node.js';
import { prepareCorpus } from '../../client/data/text-corpus';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { GptSampler, type SampleOptions } from '../../client/model/generate';
import { gptPreset } from '../../client/model/gpt-config';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { type CompletionModel, complete, completionTokens } from '../../client/onnx/complete';
import { exportGptOnnx } from '../../client/onnx/gpt-onnx';
import { ortLastLogits } from '../../client/onnx/ort-logits';
import { ByteTokenizer } from '../../client/text/byte-tokenizer';
import { DEFAULT_TRAIN_SETTINGS, GptTrainer } from '../../client/train/gpt-trainer';
import { testGpu } from './gpu-context';

/**
 * The edge path against the browser path on a trained model: a tiny GPT
 * trained 100 steps on first names (WGSL on Dawn), saved and read back as a
 * checkpoint, then generated from by GptSampler on the GPU and by
 * complete.ts over the ONNX export in onnxruntime-web. Same tokens.
 */

ort.env.wasm.numThreads = 1;

let gpu: GpuContext;
let checkpoint: GptCheckpoint;
let sampler: GptSampler;
let session: ort.InferenceSession;
let onnxModel: CompletionModel;
const tokenizer = new ByteTokenizer();
const config = gptPreset('tiny', 256);

beforeAll(async () => {
  gpu = await testGpu();
  const runner = new KernelRunner(gpu);
  const names = await prepareCorpus(await loadBundledCorpus('names'), tokenizer, config.contextLength);
  const settings = {
    ...DEFAULT_TRAIN_SETTINGS,
    batchSize: 4,
    evalBatches: 2,
    steps: 100,
    evalEvery: 100,
    maxLr: 3e-3,
    minLr: 3e-4,
    warmupSteps: 10,
  };
  const trainer = await GptTrainer.create(runner, {
    config,
    tokenizer,
    corpus: names,
    dataDescription: 'names',
    settings,
  });
  try {
    await trainer.run();
    // Through the file format, as the Worker receives it.
    checkpoint = readGptCheckpoint(writeGptCheckpoint(await trainer.checkpoint(false)));
  } finally {
    trainer.destroy();
  }
  sampler = await GptSampler.create(runner, checkpoint.config, checkpoint.params, checkpoint.tokenizer);
  session = await ort.InferenceSession.create(exportGptOnnx(checkpoint.config, checkpoint.params));
  onnxModel = { ...checkpoint.config, lastLogits: ortLastLogits(session, ort.Tensor, checkpoint.config.vocabSize) };
}, 600_000);
afterAll(() => {
  sampler?.destroy();
  gpu?.destroy();
});

async function gpuTokens(prompt: string, options: SampleOptions): Promise<number[]> {
  const ids: number[] = [];
  for await (const id of sampler.tokens(tokenizer.encode(prompt), options)) ids.push(id);
  return ids;
}

async function onnxTokens(prompt: string, options: SampleOptions): Promise<number[]> {
  const ids: number[] = [];
  for await (const id of completionTokens(onnxModel, tokenizer.encode(prompt), options)) ids.push(id);
  return ids;
}

describe('ONNX (onnxruntime-web) against the WGSL engine, on a model trained 100 steps on names', () => {
  it('gives the logits of the WGSL forward at every position (f32 both, within 1e-4 + 1e-4·|x|)', async () => {
    const { contextLength: T, vocabSize: V } = checkpoint.config;
    const ids = Array.from(tokenizer.encode('Emma\nOliver\nAva\nLiam\nSophia\nNoah\nMia')).slice(0, T);
    const inputs = new Uint32Array(T);
    inputs.set(ids);
    sampler.model.setBatch(inputs, new Uint32Array(T));
    const gpuLogits = (await sampler.model.logits()).subarray(0, ids.length * V); // positions after ids are padding
    const input = new ort.Tensor(
      'int64',
      BigInt64Array.from(ids, (id) => BigInt(id)),
      [1, ids.length],
    );
    const { logits } = await session.run({ input_ids: input });
    const c = compareArrays(logits?.data as Float32Array, gpuLogits, 1e-4, 1e-4);
    console.info(describeComparison(`ONNX vs WGSL logits, T=${ids.length}`, c));
    expect(c.ok, describeComparison('ONNX vs WGSL logits', c)).toBe(true);
  });

  it('gives the same greedy tokens, past the context window', async () => {
    for (const prompt of ['Ma', 'Jo', 'a']) {
      const options = { maxTokens: 40, temperature: 0, topK: 0, seed: 1 }; // 2 + 40 > T = 32: the window slides
      const ids = await onnxTokens(prompt, options);
      console.info(
        `greedy after ${JSON.stringify(prompt)}: ${JSON.stringify(new TextDecoder().decode(Uint8Array.from(ids)))}`,
      );
      expect(ids).toEqual(await gpuTokens(prompt, options));
    }
  });

  it('gives the same seeded samples (temperature, top-k) and the same text up to the newline', async () => {
    for (const sampling of [
      { temperature: 1, topK: 40, seed: 5 },
      { temperature: 0.8, topK: 0, seed: 6 },
    ]) {
      const options = { maxTokens: 30, ...sampling };
      const ids = await onnxTokens('Ka', options);
      console.info(
        `sampled (${JSON.stringify(sampling)}): ${JSON.stringify(new TextDecoder().decode(Uint8Array.from(ids)))}`,
      );
      expect(ids).toEqual(await gpuTokens('Ka', options));
      const lineOptions = { ...options, stopAtNewline: true };
      const onnx = await complete(onnxModel, tokenizer, 'Ka', lineOptions);
      expect(onnx.text).toBe(await sampler.generate('Ka', lineOptions));
    }
  });
});
