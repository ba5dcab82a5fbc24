/**
 * How grad_norm splits N gradients: G workgroups of 64 invocations in a
 * grid-stride loop, G = min(ceil(N / (64 · 64)), 256), so each invocation
 * sums at least 64 gradients. Fixed by N alone, not by the adapter, so every
 * device reduces in the same grouping. Few, small workgroups because
 * barriers dominate on CPU adapters (SwiftShader: 1M gradients take ~25-60 ms
 * this way and ~1.6 s as 1024 workgroups of 256); 256 · 64 invocations still
 * stream a real GPU's memory reasonably.
 */
export const GRAD_NORM_WORKGROUP = 64;
export const GRAD_NORM_MAX_PARTIALS = 256;
const MIN_PER_INVOCATION = 64;

/** G, the number of partial sums (and stage-1 workgroups) for N gradients. */
export function gradNormPartialCount(N: number): number {
  const G = Math.ceil(N / (GRAD_NORM_WORKGROUP * MIN_PER_INVOCATION));
  return Math.max(1, Math.min(G, GRAD_NORM_MAX_PARTIALS));
}
