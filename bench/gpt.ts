import type { KernelRunner } from '../client/gpu/runner';
import { type GptPresetName, gptPreset } from '../client/model/gpt-config';
import { GptGpu } from '../client/model/gpt-gpu';
import { gptParamLayout, initGptParams } from '../client/model/gpt-params';
import { seededRandom } from '../client/numerics/random';

/**
 * `npm run bench -- gpt`: whole training steps (forward, backward, AdamW in
 * one submit) of each preset with the byte vocabulary, as tokens per second.
 * Each line: {"bench":"gpt","preset":...,"B":...,"T":...,"params":...,"ms_per_step":...,"tokens_per_s":...}.
 */

/** Batch size per preset: what the site trains with by default. */
export const GPT_BENCH_BATCH: Record<GptPresetName, number> = { tiny: 8, small: 8, baby: 4 };

export interface GptBenchResult {
  bench: 'gpt';
  preset: GptPresetName;
  B: number;
  T: number;
  params: number;
  steps: number;
  ms_per_step: number;
  tokens_per_s: number;
}

export async function benchGptPreset(
  runner: KernelRunner,
  preset: GptPresetName,
  steps: number,
): Promise<GptBenchResult> {
  const config = gptPreset(preset, 256);
  const B = GPT_BENCH_BATCH[preset];
  const T = config.contextLength;
  const layout = gptParamLayout(config);
  const model = await GptGpu.create(runner, config, B, T);
  try {
    model.setParams(initGptParams(layout, 1));
    const next = seededRandom(2);
    const ids = () => Uint32Array.from({ length: B * T }, () => Math.floor(next() * 256));
    model.setBatch(ids(), ids());
    await (await model.trainStep(1e-4, 1)).loss; // warm-up: first use pages memory in
    const start = performance.now();
    let last: Promise<number> = Promise.resolve(0);
    for (let step = 2; step < 2 + steps; step++) last = (await model.trainStep(1e-4, step)).loss;
    await last;
    const ms = (performance.now() - start) / steps;
    return {
      bench: 'gpt',
      preset,
      B,
      T,
      params: layout.parameterCount,
      steps,
      ms_per_step: Number(ms.toPrecision(4)),
      tokens_per_s: Math.round((B * T * 1000) / ms),
    };
  } finally {
    model.destroy();
  }
}
