import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { gptPreset } from '../../client/model/gpt-config';
import { GptCpuReference } from '../../client/model/gpt-cpu-reference';
import { DEFAULT_ADAMW, GptGpu } from '../../client/model/gpt-gpu';
import { gptParamLayout, initGptParams } from '../../client/model/gpt-params';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { seededRandom } from '../../client/numerics/random';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

// llm.c's test_gpt2 practice: the `tiny` preset at a fixed seed, against an
// independent float64 trainer in plain loops.
const config = gptPreset('tiny', 256);
const [B, T] = [4, config.contextLength];

function batch(seed: number): { inputs: Uint32Array; targets: Uint32Array } {
  // A learnable stream: bytes of repeated text, windows at seeded offsets.
  const text = new TextEncoder().encode('the quick brown fox jumps over the lazy dog. '.repeat(20));
  const next = seededRandom(seed);
  const inputs = new Uint32Array(B * T);
  const targets = new Uint32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = Math.floor(next() * (text.length - T - 1));
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = text[start + t] as number;
      targets[b * T + t] = text[start + t + 1] as number;
    }
  }
  return { inputs, targets };
}

describe('the GPT on the GPU vs the float64 CPU reference trainer (tiny preset)', () => {
  it('matches logits, loss, and the loss after each of 10 AdamW steps', async () => {
    const params = initGptParams(gptParamLayout(config), 1337);
    const model = await GptGpu.create(runner, config, B, T);
    const reference = new GptCpuReference(config, params);
    const settings = { ...DEFAULT_ADAMW, lr: 1e-3 };
    try {
      model.setParams(params);
      const { inputs, targets } = batch(1);
      model.setBatch(inputs, targets);

      const logits = await model.logits();
      const want = reference.forward(inputs, targets, B, T);
      const cmp = compareArrays(logits, want.logits, 1e-5, 1e-3);
      expect(cmp.ok, describeComparison('logits', cmp)).toBe(true);

      const evalLoss = await (await model.evalStep()).loss;
      expect(Math.abs(evalLoss - want.meanLoss) / want.meanLoss).toBeLessThan(1e-5);

      const gpuLosses: number[] = [];
      const cpuLosses: number[] = [];
      for (let step = 1; step <= 10; step++) {
        const trained = await model.trainStep(settings.lr, step);
        gpuLosses.push(await trained.loss);
        reference.zeroGrad();
        cpuLosses.push(reference.forward(inputs, targets, B, T).meanLoss);
        reference.backward();
        reference.update(settings);
      }
      console.info(`losses over 10 steps: GPU ${gpuLosses.map((x) => x.toFixed(6)).join(' ')}`);
      console.info(`                      CPU ${cpuLosses.map((x) => x.toFixed(6)).join(' ')}`);
      for (let i = 0; i < 10; i++) {
        const relative = Math.abs((gpuLosses[i] as number) - (cpuLosses[i] as number)) / (cpuLosses[i] as number);
        expect(relative, `step ${i + 1}: GPU ${gpuLosses[i]} vs CPU ${cpuLosses[i]}`).toBeLessThan(1e-4);
      }
      expect(gpuLosses[9]).toBeLessThan((gpuLosses[0] as number) - 0.05);

      const trainedParams = await model.readParams();
      // Adam moves every parameter by about lr per step whatever its gradient's size, so
      // near-zero gradients can differ in f32 vs f64 by a fraction of lr·steps = 1e-2.
      const paramCmp = compareArrays(trainedParams, reference.params, 1e-4, 1e-3);
      expect(paramCmp.ok, describeComparison('parameters after 10 steps', paramCmp)).toBe(true);
    } finally {
      model.destroy();
    }
  });
});
