import type { FloatArray } from '../client/numerics/float-array';

/**
 * CPU references for crossentropy_forward.wgsl and crossentropy_fused.wgsl:
 * softmax cross-entropy straight from the logits (llm.c fuses softmax,
 * loss and dlogits the same way in fused_classifier). Plain loops,
 * numerically stable (max-subtracted), accumulating in JS numbers.
 *
 * Backward: dlogits is an activation gradient, so it is ASSIGNED (=), never
 * accumulated. There are no parameter gradients here.
 *
 * A target outside [0, V) gives a NaN loss (and a NaN dlogits row), exactly
 * as the GPU does; `checkTargets` is the CPU-side check the trainer can run
 * on a batch before uploading it.
 */

/** losses(B, T) = -log softmax(logits(B, T, V))[targets(B, T)]. */
export function crossentropyForwardCpu(
  losses: FloatArray,
  logits: FloatArray,
  targets: Uint32Array,
  B: number,
  T: number,
  V: number,
): void {
  for (let bt = 0; bt < B * T; bt++) {
    const { max, sum } = rowStats(logits, bt * V, V);
    losses[bt] = rowLoss(logits, bt * V, targets[bt] as number, V, max, sum);
  }
}

/**
 * dlogits(B, T, V) = (softmax(logits) - onehot(targets)) · dlosses(B, T),
 * assigned: the gradient of Σ dlosses · losses with respect to the logits.
 */
export function crossentropyBackwardCpu(
  dlogits: FloatArray,
  dlosses: FloatArray,
  logits: FloatArray,
  targets: Uint32Array,
  B: number,
  T: number,
  V: number,
): void {
  for (let bt = 0; bt < B * T; bt++) {
    const base = bt * V;
    const target = targets[bt] as number;
    const { max, sum } = rowStats(logits, base, V);
    const dloss = dlosses[bt] as number;
    for (let i = 0; i < V; i++) {
      if (target >= V) {
        dlogits[base + i] = Number.NaN;
        continue;
      }
      const p = Math.exp((logits[base + i] as number) - max) / sum;
      dlogits[base + i] = (p - (i === target ? 1 : 0)) * dloss;
    }
  }
}

/** Forward and backward together, as crossentropy_fused.wgsl writes them. */
export function crossentropyFusedCpu(
  losses: FloatArray,
  dlogits: FloatArray,
  logits: FloatArray,
  dlosses: FloatArray,
  targets: Uint32Array,
  B: number,
  T: number,
  V: number,
): void {
  crossentropyForwardCpu(losses, logits, targets, B, T, V);
  crossentropyBackwardCpu(dlogits, dlosses, logits, targets, B, T, V);
}

/** Throws naming the first target outside [0, V): run it on the CPU batch before upload. */
export function checkTargets(targets: ArrayLike<number>, V: number): void {
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i] as number;
    if (!Number.isInteger(t) || t < 0 || t >= V) {
      throw new RangeError(`targets[${i}] = ${t} is outside the vocabulary [0, ${V})`);
    }
  }
}

function rowStats(logits: FloatArray, base: number, V: number): { max: number; sum: number } {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[base + i] as number);
  let sum = 0;
  for (let i = 0; i < V; i++) sum += Math.exp((logits[base + i] as number) - max);
  return { max, sum };
}

function rowLoss(logits: FloatArray, base: number, target: number, V: number, max: number, sum: number): number {
  if (target >= V) return Number.NaN;
  return max + Math.log(sum) - (logits[base + target] as number);
}
