import type { FloatArray } from '../client/numerics/float-array';

/**
 * CPU reference for adamw.wgsl: llm.c's AdamW update (train_gpt2.c,
 * gpt2_update) over flat buffers of N, in JS numbers. Given Float32Arrays
 * the state is rounded to f32 after each step, as on the GPU.
 *
 * `normScale` is grad_norm's output [norm, clip scale]; when given, every
 * gradient is multiplied by normScale[1] first (clipping), as on the GPU.
 */

export interface AdamWSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** The bias corrections 1 - beta^t for step t (1-based), in float64. */
export function biasCorrections(s: AdamWSettings, t: number): { beta1Correction: number; beta2Correction: number } {
  if (!Number.isInteger(t) || t < 1) throw new RangeError(`AdamW step t must be an integer >= 1 (got ${t})`);
  return { beta1Correction: 1 - s.beta1 ** t, beta2Correction: 1 - s.beta2 ** t };
}

export function adamwCpu(
  paramsMemory: FloatArray,
  gradsMemory: FloatArray,
  mMemory: FloatArray,
  vMemory: FloatArray,
  normScale: FloatArray | null,
  N: number,
  s: AdamWSettings,
  t: number,
): void {
  const { beta1Correction, beta2Correction } = biasCorrections(s, t);
  const scale = normScale ? (normScale[1] as number) : 1;
  for (let i = 0; i < N; i++) {
    const g = (gradsMemory[i] as number) * scale;
    const m = s.beta1 * (mMemory[i] as number) + (1 - s.beta1) * g;
    const v = s.beta2 * (vMemory[i] as number) + (1 - s.beta2) * g * g;
    mMemory[i] = m;
    vMemory[i] = v;
    const mHat = m / beta1Correction;
    const vHat = v / beta2Correction;
    const p = paramsMemory[i] as number;
    paramsMemory[i] = p - s.learningRate * (mHat / (Math.sqrt(vHat) + s.eps) + s.weightDecay * p);
  }
}
