/**
 * Finite differences for checking a CPU reference's backward, in float64.
 *
 * For a forward f: inputs -> out, and a fixed upstream gradient dout, the
 * scalar L = Σ dout · f(inputs) has dL/dx = what backward(dout) should give.
 * numericGradient perturbs x in place, so `loss` must read x afresh each call.
 */
export function numericGradient(loss: () => number, x: Float64Array, eps = 1e-6): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const saved = x[i] as number;
    x[i] = saved + eps;
    const plus = loss();
    x[i] = saved - eps;
    const minus = loss();
    x[i] = saved;
    grad[i] = (plus - minus) / (2 * eps);
  }
  return grad;
}

/** Σ a[i]·b[i] in float64: the scalar L = Σ dout · out used with numericGradient. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`dot: lengths differ (${a.length} vs ${b.length})`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** A float64 copy of `values` (e.g. seeded f32 test data), for float64 references. */
export function toFloat64(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values);
}
