import type { FloatArray } from '../client/numerics/float-array';

/**
 * CPU references for gelu_forward.wgsl and gelu_backward.wgsl: GELU's tanh
 * approximation, llm.c's shapes and argument order (N = B·T·4C elements).
 * Backward convention (all of shaders/): parameter gradients accumulate (+=),
 * activation gradients assign (=) — so dinp is assigned, where llm.c adds.
 */

const GELU_SCALING_FACTOR = Math.sqrt(2 / Math.PI);

/** out(N) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluForwardCpu(out: FloatArray, inp: FloatArray, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i] as number;
    const cube = 0.044715 * x * x * x;
    out[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALING_FACTOR * (x + cube)));
  }
}

/** dinp(N) = gelu'(inp) · dout, assigned. */
export function geluBackwardCpu(dinp: FloatArray, inp: FloatArray, dout: FloatArray, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i] as number;
    const u = GELU_SCALING_FACTOR * (x + 0.044715 * x * x * x);
    const t = Math.tanh(u);
    // 1/cosh², written so that it is 0 (not NaN) once cosh overflows.
    const sech = 1 / Math.cosh(u);
    const localGrad = 0.5 * (1 + t) + 0.5 * x * sech * sech * GELU_SCALING_FACTOR * (1 + 3 * 0.044715 * x * x);
    dinp[i] = localGrad * (dout[i] as number);
  }
}
