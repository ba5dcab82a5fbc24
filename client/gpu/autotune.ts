import type { GpuContext } from './device';

/**
 * Run-time kernel selection by measurement. Which variant of a kernel is
 * fastest depends on the adapter (real GPUs like workgroup tiles, CPU adapters
 * like register blocking), so it is measured, once per adapter and shape
 * bucket, and remembered for the rest of the session.
 */

/** One way to compute the same thing; `run` dispatches it once and waits for the GPU. */
export interface Candidate {
  name: string;
  run: () => Promise<void>;
}

/**
 * Milliseconds one candidate takes. `bestSoFar` (Infinity for the first) lets
 * a timer give up early on a candidate that is clearly losing.
 */
export type Timer = (candidate: Candidate, bestSoFar: number) => Promise<number>;

/**
 * Best of `trials` wall-clock runs after one warm-up run (which compiles the
 * pipeline and pages memory in). A candidate whose first timed run is more
 * than twice the best so far is not run again: on a CPU adapter a slow
 * variant of a large matmul takes seconds per run.
 */
export function wallClockTimer(trials = 3, now: () => number = () => performance.now()): Timer {
  return async (candidate, bestSoFar) => {
    await candidate.run();
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < trials; i++) {
      const start = now();
      await candidate.run();
      best = Math.min(best, now() - start);
      if (best > 2 * bestSoFar) break;
    }
    return best;
  };
}

/** What identifies an adapter for tuning: the same kernels run at the same speed on it. */
export function adapterKey(gpu: GpuContext): string {
  const { vendor, architecture, description } = gpu.adapter;
  return `${vendor}/${architecture}/${description}`;
}

/** Smallest power of two >= n (1 for n <= 1): shapes in one bucket share a choice. */
export function powerOfTwoBucket(n: number): number {
  return n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
}

/** Candidates to measure, built only when a key is not yet known; `destroy` frees their buffers. */
export interface Trial {
  candidates: Candidate[];
  destroy: () => void;
}

export class Autotuner {
  /** Chosen candidate per key; a promise, so concurrent callers share one measurement. */
  private readonly choices = new Map<string, Promise<string>>();
  /** Measured milliseconds per key and candidate, for reports and tests. */
  readonly timings = new Map<string, Record<string, number>>();

  constructor(private readonly timer: Timer = wallClockTimer()) {}

  /** The fastest candidate's name for `key`; measures (via `setup`) only the first time. */
  choose(key: string, setup: () => Promise<Trial>): Promise<string> {
    let choice = this.choices.get(key);
    if (!choice) {
      choice = this.measure(key, setup);
      this.choices.set(key, choice);
      // A failed measurement is not remembered: the next call tries again.
      choice.catch(() => this.choices.delete(key));
    }
    return choice;
  }

  private async measure(key: string, setup: () => Promise<Trial>): Promise<string> {
    const trial = await setup();
    try {
      if (trial.candidates.length === 0) throw new Error(`autotune ${key}: no candidates`);
      const times: Record<string, number> = {};
      let best = { name: '', ms: Number.POSITIVE_INFINITY };
      // In the given order; a tie keeps the earlier candidate.
      for (const candidate of trial.candidates) {
        const ms = await this.timer(candidate, best.ms);
        times[candidate.name] = ms;
        if (ms < best.ms || best.name === '') best = { name: candidate.name, ms };
      }
      this.timings.set(key, times);
      return best.name;
    } finally {
      trial.destroy();
    }
  }
}
