/**
 * How grad_norm splits N gradients: G workgroups of 256 (G·256 invocations in
 * a grid-stride loop), G = min(ceil(N / 256), 1024). Fixed by N alone, not by
 * the adapter, so every device reduces in the same grouping.
 */
export const GRAD_NORM_MAX_PARTIALS = 1024;

/** G, the number of partial sums (and stage-1 workgroups) for N gradients. */
export function gradNormPartialCount(N: number): number {
  return Math.max(1, Math.min(Math.ceil(N / 256), GRAD_NORM_MAX_PARTIALS));
}
