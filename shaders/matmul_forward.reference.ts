import type { FloatArray } from '../client/numerics/float-array';

/**
 * CPU reference for matmul_forward.wgsl, plain loops in llm.c's layout:
 * out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC). Accumulates in
 * float64 (JS numbers), so it is the more accurate side of any comparison;
 * given Float64Arrays it is a float64 reference for gradient checks.
 */
export function matmulForwardCpu(
  out: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  bias: FloatArray | null,
  BT: number,
  C: number,
  OC: number,
): void {
  for (let bt = 0; bt < BT; bt++) {
    for (let oc = 0; oc < OC; oc++) {
      let sum = bias ? (bias[oc] as number) : 0;
      for (let c = 0; c < C; c++) {
        sum += (inp[bt * C + c] as number) * (weight[oc * C + c] as number);
      }
      out[bt * OC + oc] = sum;
    }
  }
}
