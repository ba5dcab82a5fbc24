import { describe, expect, it } from 'vitest';
import type { GptConfig } from '../../client/model/gpt-config';
import { GptCpuReference } from '../../client/model/gpt-cpu-reference';
import { gptParamLayout, initGptParams } from '../../client/model/gpt-params';
import { seededRandom } from '../../client/numerics/random';

// Small and odd on purpose: C=6 with 2 heads (HS=3), T=5, V=11.
const config: GptConfig = { vocabSize: 11, contextLength: 8, layers: 2, heads: 2, channels: 6 };
const [B, T] = [2, 5];

function tokens(seed: number): Uint32Array {
  const next = seededRandom(seed);
  return Uint32Array.from({ length: B * T }, () => Math.floor(next() * config.vocabSize));
}

function model(seed = 3): GptCpuReference {
  // Larger than GPT-2's init so every path carries gradient worth checking.
  const params = initGptParams(gptParamLayout(config), seed).map((x, i) => x * 10 + (i % 7) * 1e-3);
  return new GptCpuReference(config, params);
}

describe('the float64 CPU reference GPT', () => {
  const inputs = tokens(1);
  const targets = tokens(2);

  it('starts near the uniform loss ln(V)', () => {
    const ref = new GptCpuReference(config, initGptParams(gptParamLayout(config), 1));
    const { meanLoss } = ref.forward(inputs, targets, B, T);
    expect(Math.abs(meanLoss - Math.log(config.vocabSize))).toBeLessThan(0.1);
  });

  it('backward matches central finite differences of the mean loss for every parameter', () => {
    const ref = model();
    ref.forward(inputs, targets, B, T);
    ref.backward();
    const analytic = Float64Array.from(ref.grads);
    const eps = 1e-5;
    let worst = { index: -1, analytic: 0, numeric: 0, error: 0 };
    for (const t of ref.layout.tensors) {
      for (let i = t.offset; i < t.offset + t.size; i++) {
        const saved = ref.params[i] as number;
        ref.params[i] = saved + eps;
        const plus = ref.forward(inputs, targets, B, T).meanLoss;
        ref.params[i] = saved - eps;
        const minus = ref.forward(inputs, targets, B, T).meanLoss;
        ref.params[i] = saved;
        const numeric = (plus - minus) / (2 * eps);
        const error = Math.abs(numeric - (analytic[i] as number)) / (1e-6 + Math.abs(numeric));
        if (error > worst.error) worst = { index: i, analytic: analytic[i] as number, numeric, error };
      }
    }
    const name = ref.layout.tensors.find((t) => worst.index >= t.offset && worst.index < t.offset + t.size)?.name;
    expect(worst.error, `worst at ${name}[${worst.index}]: ${JSON.stringify(worst)}`).toBeLessThan(1e-4);
  });

  it('brings the loss down over AdamW steps on a fixed batch, clipping the gradient norm', () => {
    const ref = model(5);
    const settings = { lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 };
    const losses: number[] = [];
    for (let step = 0; step < 10; step++) {
      ref.zeroGrad();
      losses.push(ref.forward(inputs, targets, B, T).meanLoss);
      ref.backward();
      ref.update(settings);
    }
    expect(losses[9]).toBeLessThan((losses[0] as number) * 0.8);
  });
});
