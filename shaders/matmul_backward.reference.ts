import type { FloatArray } from '../client/numerics/float-array';

/**
 * CPU reference for matmul_backward (llm.c's matmul_backward), plain loops,
 * for the forward out(BT, OC) = inp(BT, C) · weight(OC, C)ᵀ + bias(OC):
 *   dinp(BT, C)     = dout(BT, OC) · weight(OC, C)
 *   dweight(OC, C) += dout(BT, OC)ᵀ · inp(BT, C)
 *   dbias(OC)      += Σ_bt dout(bt, OC)
 * Parameter gradients (dweight, dbias) ACCUMULATE (+=), so several uses of a
 * weight, or several micro-batches, add up; the activation gradient (dinp) is
 * ASSIGNED (=). Sums run in JS numbers (float64), in index order.
 */
export function matmulBackwardCpu(
  dinp: FloatArray,
  dweight: FloatArray,
  dbias: FloatArray | null,
  dout: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  BT: number,
  C: number,
  OC: number,
): void {
  for (let bt = 0; bt < BT; bt++) {
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let oc = 0; oc < OC; oc++) sum += (dout[bt * OC + oc] as number) * (weight[oc * C + c] as number);
      dinp[bt * C + c] = sum;
    }
  }
  for (let oc = 0; oc < OC; oc++) {
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let bt = 0; bt < BT; bt++) sum += (dout[bt * OC + oc] as number) * (inp[bt * C + c] as number);
      dweight[oc * C + c] = (dweight[oc * C + c] as number) + sum;
    }
  }
  if (dbias) {
    for (let oc = 0; oc < OC; oc++) {
      let sum = 0;
      for (let bt = 0; bt < BT; bt++) sum += dout[bt * OC + oc] as number;
      dbias[oc] = (dbias[oc] as number) + sum;
    }
  }
}
