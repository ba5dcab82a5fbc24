import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGptCheckpoint, writeGptCheckpoint } from '../../client/checkpoint/gpt-checkpoint';
import { loadBundledCorpus } from '../../client/data/bundled-corpora.node.js';
import { type PreparedCorpus, prepareCorpus } from '../../client/data/text-corpus';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { gptPreset } from '../../client/model/gpt-config';
import { ByteTokenizer } from '../../client/text/byte-tokenizer';
import {
  DEFAULT_TRAIN_SETTINGS,
  GptTrainer,
  type TrainSettings,
  trainingStateOf,
} from '../../client/train/gpt-trainer';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;
let names: PreparedCorpus;
const tokenizer = new ByteTokenizer();
const config = gptPreset('tiny', 256);

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
  names = await prepareCorpus(await loadBundledCorpus('names'), tokenizer, config.contextLength);
});
afterAll(() => gpu?.destroy());

/** Cross-entropy of the val tokens under the train tokens' unigram frequencies (add-one smoothed). */
function unigramBaseline(corpus: PreparedCorpus, V: number): number {
  const counts = new Float64Array(V).fill(1);
  for (const t of corpus.train) counts[t] = (counts[t] as number) + 1;
  const total = corpus.train.length + V;
  let nll = 0;
  for (const t of corpus.val) nll -= Math.log((counts[t] as number) / total);
  return nll / corpus.val.length;
}

function settings(overrides: Partial<TrainSettings>): TrainSettings {
  return { ...DEFAULT_TRAIN_SETTINGS, batchSize: 4, evalBatches: 4, ...overrides };
}

describe('training the tiny GPT on Dawn', () => {
  it('learns first names: val loss falls clearly below the unigram baseline', async () => {
    const baseline = unigramBaseline(names, 256);
    const trainer = await GptTrainer.create(runner, {
      config,
      tokenizer,
      corpus: names,
      dataDescription: 'names',
      settings: settings({ steps: 300, maxLr: 3e-3, minLr: 3e-4, warmupSteps: 10, evalEvery: 300 }),
    });
    try {
      const initial = await trainer.evaluate();
      await trainer.run();
      const final = trainer.lastValLoss as number;
      console.info(
        `names, tiny, 300 steps: val loss ${initial.toFixed(3)} -> ${final.toFixed(3)}; unigram baseline ${baseline.toFixed(3)}`,
      );
      expect(final).toBeLessThan(baseline - 0.3);
    } finally {
      trainer.destroy();
    }
  });

  it('resumes exactly: save at step 6, load, and steps 7-12 give the losses of an uninterrupted run', async () => {
    const s = settings({ steps: 12, evalEvery: 100, seed: 7 });
    const source = { config, tokenizer, corpus: names, dataDescription: 'names', settings: s };
    const straight: number[] = [];
    const uninterrupted = await GptTrainer.create(runner, source);
    await uninterrupted.run({ onStep: (r) => straight.push(r.loss) });
    uninterrupted.destroy();

    const first = await GptTrainer.create(runner, source);
    await first.run({ untilStep: 6 });
    const saved = writeGptCheckpoint(await first.checkpoint());
    first.destroy();

    const ckpt = readGptCheckpoint(saved);
    const state = trainingStateOf(ckpt);
    expect(state?.step).toBe(6);
    const resumed: number[] = [];
    const second = await GptTrainer.create(runner, {
      ...source,
      params: ckpt.params,
      resume: {
        optimizer: ckpt.optimizer as NonNullable<typeof ckpt.optimizer>,
        state: state as NonNullable<typeof state>,
      },
    });
    await second.run({ onStep: (r) => resumed.push(r.loss) });
    second.destroy();
    expect(resumed).toEqual(straight.slice(6));
  });

  it('fine-tunes from a parent checkpoint on another text, recording the parent', async () => {
    const parentTrainer = await GptTrainer.create(runner, {
      config,
      tokenizer,
      corpus: names,
      dataDescription: 'names',
      settings: settings({ steps: 20, evalEvery: 100 }),
    });
    await parentTrainer.run();
    const parent = readGptCheckpoint(writeGptCheckpoint(await parentTrainer.checkpoint(false)));
    parentTrainer.destroy();

    const moby = await prepareCorpus((await loadBundledCorpus('moby-dick')).subarray(0, 20_000), tokenizer, 32);
    const child = await GptTrainer.create(runner, {
      config: parent.config,
      tokenizer: parent.tokenizer,
      corpus: moby,
      dataDescription: 'moby-dick (first 20 kB)',
      settings: settings({ steps: 30, maxLr: 3e-3, evalEvery: 100 }),
      params: parent.params,
      parent: 'names-parent',
    });
    try {
      const before = await child.evaluate();
      await child.run();
      const ckpt = readGptCheckpoint(writeGptCheckpoint(await child.checkpoint()));
      expect(ckpt.parent).toBe('names-parent');
      expect(ckpt.step).toBe(30);
      expect(ckpt.data.description).toBe('moby-dick (first 20 kB)');
      expect(ckpt.valLoss).toBeLessThan(before - 0.2);
    } finally {
      child.destroy();
    }
  });
});
