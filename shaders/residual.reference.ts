import type { FloatArray } from '../client/numerics/float-array';

/**
 * CPU references for residual_forward.wgsl and residual_accumulate.wgsl, in
 * llm.c's argument order. Backward convention (all of shaders/): parameter
 * gradients accumulate (+=), activation gradients assign (=).
 */

/** out(N) = inp1(N) + inp2(N). */
export function residualForwardCpu(out: FloatArray, inp1: FloatArray, inp2: FloatArray, N: number): void {
  for (let i = 0; i < N; i++) out[i] = (inp1[i] as number) + (inp2[i] as number);
}

/**
 * dinp1(N) = dout, dinp2(N) = dout: both are activation gradients, so they
 * are assigned (llm.c adds them into existing buffers). On the GPU there is no
 * kernel for this: the trainer passes dout on and sums with residualAccumulate.
 */
export function residualBackwardCpu(dinp1: FloatArray, dinp2: FloatArray, dout: FloatArray, N: number): void {
  for (let i = 0; i < N; i++) {
    dinp1[i] = dout[i] as number;
    dinp2[i] = dout[i] as number;
  }
}

/** dst(N) += src(N): where two gradients of the same activation meet. */
export function residualAccumulateCpu(dst: FloatArray, src: FloatArray, N: number): void {
  for (let i = 0; i < N; i++) dst[i] = (dst[i] as number) + (src[i] as number);
}
