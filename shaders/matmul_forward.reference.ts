/**
 * CPU reference for matmul_forward.wgsl, plain loops in llm.c's layout:
 * out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC). Accumulates in
 * float64 (JS numbers), so it is the more accurate side of any comparison.
 */
export function matmulForwardCpu(
  out: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
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
