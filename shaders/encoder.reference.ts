import type { FloatArray } from '../client/numerics/float-array';

/**
 * CPU references for the encoder (token + position embedding), llm.c's
 * encoder_forward/encoder_backward shapes and argument order, plus the vocab
 * size V so that token ids can be checked. Backward convention (all of
 * shaders/): parameter gradients accumulate (+=), activation gradients assign
 * (=). The encoder's only gradients are parameter gradients (dwte, dwpe), so
 * both ACCUMULATE; inp holds token ids and has no gradient.
 */

/** Throws unless every token id in inp(B·T) is below V: an id ≥ V is a bug upstream. */
export function checkTokenIds(inp: Uint32Array, BT: number, V: number): void {
  for (let bt = 0; bt < BT; bt++) {
    const token = inp[bt] as number;
    if (token >= V) {
      throw new RangeError(`encoder: token id ${token} at position ${bt} is out of range for a vocabulary of ${V}`);
    }
  }
}

/** out(B,T,C) = wte(V,C)[inp(B,T)] + wpe(maxT,C)[t]. */
export function encoderForwardCpu(
  out: FloatArray,
  inp: Uint32Array,
  wte: FloatArray,
  wpe: FloatArray,
  B: number,
  T: number,
  C: number,
  V: number,
): void {
  checkTokenIds(inp, B * T, V);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const bt = b * T + t;
      const token = inp[bt] as number;
      for (let c = 0; c < C; c++) {
        out[bt * C + c] = (wte[token * C + c] as number) + (wpe[t * C + c] as number);
      }
    }
  }
}

/** dwte(V,C) += Σ_{positions with that token} dout; dwpe(maxT,C)[t] += Σ_b dout(B,T,C)[b,t]. */
export function encoderBackwardCpu(
  dwte: FloatArray,
  dwpe: FloatArray,
  dout: FloatArray,
  inp: Uint32Array,
  B: number,
  T: number,
  C: number,
  V: number,
): void {
  checkTokenIds(inp, B * T, V);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const bt = b * T + t;
      const token = inp[bt] as number;
      for (let c = 0; c < C; c++) {
        const d = dout[bt * C + c] as number;
        dwte[token * C + c] = (dwte[token * C + c] as number) + d;
        dwpe[t * C + c] = (dwpe[t * C + c] as number) + d;
      }
    }
  }
}
