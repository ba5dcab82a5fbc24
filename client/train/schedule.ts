/**
 * Learning rate at a step: linear warmup from 0 to `maxLr` over
 * `warmupSteps`, then cosine decay to `minLr` at `totalSteps` (nanoGPT's
 * get_lr). Steps count from 0; past totalSteps it stays at minLr.
 */
export interface LrSchedule {
  maxLr: number;
  minLr: number;
  warmupSteps: number;
  totalSteps: number;
}

export function learningRate(s: LrSchedule, step: number): number {
  if (step < s.warmupSteps) return (s.maxLr * (step + 1)) / s.warmupSteps;
  if (step >= s.totalSteps) return s.minLr;
  const progress = (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps);
  const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
  return s.minLr + cosine * (s.maxLr - s.minLr);
}
