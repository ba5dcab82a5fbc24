import type { FloatArray } from '../client/numerics/float-array';

/**
 * CPU references for the layernorm kernels, llm.c's layernorm_forward and
 * layernorm_backward (shapes, argument order, eps = 1e-5, biased variance).
 * Backward convention (all of shaders/): parameter gradients accumulate (+=),
 * activation gradients assign (=) — so dweight and dbias ACCUMULATE and dinp
 * is ASSIGNED (llm.c adds into dinp as well).
 */

export const LAYERNORM_EPS = 1e-5;

/** out(B,T,C) = (inp - mean) · rstd · weight(C) + bias(C); saves mean(B,T), rstd(B,T). */
export function layernormForwardCpu(
  out: FloatArray,
  mean: FloatArray,
  rstd: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  bias: FloatArray,
  B: number,
  T: number,
  C: number,
): void {
  for (let bt = 0; bt < B * T; bt++) {
    const base = bt * C;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += inp[base + c] as number;
    const m = sum / C;
    let sq = 0;
    for (let c = 0; c < C; c++) {
      const d = (inp[base + c] as number) - m;
      sq += d * d;
    }
    const s = 1 / Math.sqrt(sq / C + LAYERNORM_EPS);
    for (let c = 0; c < C; c++) {
      out[base + c] = ((inp[base + c] as number) - m) * s * (weight[c] as number) + (bias[c] as number);
    }
    mean[bt] = m;
    rstd[bt] = s;
  }
}

/** dinp(B,T,C) = assigned; dweight(C), dbias(C) += (mean, rstd from the forward). */
export function layernormBackwardCpu(
  dinp: FloatArray,
  dweight: FloatArray,
  dbias: FloatArray,
  dout: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  mean: FloatArray,
  rstd: FloatArray,
  B: number,
  T: number,
  C: number,
): void {
  for (let bt = 0; bt < B * T; bt++) {
    const base = bt * C;
    const m = mean[bt] as number;
    const s = rstd[bt] as number;
    // The two row means of the dinp formula: mean(g) and mean(g · norm), g = weight · dout.
    let gMean = 0;
    let gNormMean = 0;
    for (let c = 0; c < C; c++) {
      const norm = ((inp[base + c] as number) - m) * s;
      const g = (weight[c] as number) * (dout[base + c] as number);
      gMean += g;
      gNormMean += g * norm;
    }
    gMean /= C;
    gNormMean /= C;
    for (let c = 0; c < C; c++) {
      const norm = ((inp[base + c] as number) - m) * s;
      const d = dout[base + c] as number;
      const g = (weight[c] as number) * d;
      dbias[c] = (dbias[c] as number) + d;
      dweight[c] = (dweight[c] as number) + norm * d;
      dinp[base + c] = (g - gMean - norm * gNormMean) * s;
    }
  }
}
