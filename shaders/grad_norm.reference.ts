import type { FloatArray } from '../client/numerics/float-array';
import { GRAD_NORM_WORKGROUP, gradNormPartialCount } from './grad_norm_layout';

/**
 * CPU reference for grad_norm_partials.wgsl + grad_norm_finish.wgsl, in JS
 * numbers. `partials` gets the same grouping as on the GPU (element j goes
 * to workgroup floor((j mod G·64) / 64)), so stage 1 can be checked too.
 * normScale (2) = [norm, clip scale]; scale = min(1, maxNorm / (norm + 1e-6)),
 * or 1 when maxNorm <= 0 (no clipping).
 */
export function gradNormCpu(
  normScale: FloatArray,
  partials: FloatArray,
  grads: FloatArray,
  N: number,
  maxNorm: number,
): void {
  const G = gradNormPartialCount(N);
  const sums = new Float64Array(G);
  for (let j = 0; j < N; j++) {
    const g = grads[j] as number;
    const w = Math.floor((j % (G * GRAD_NORM_WORKGROUP)) / GRAD_NORM_WORKGROUP);
    sums[w] = (sums[w] as number) + g * g;
  }
  let total = 0;
  for (let w = 0; w < G; w++) {
    partials[w] = sums[w] as number;
    total += sums[w] as number;
  }
  const norm = Math.sqrt(total);
  normScale[0] = norm;
  normScale[1] = maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
}
