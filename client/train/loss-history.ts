/**
 * A run's loss curve, kept for the chart and the autosave: train loss at
 * every step and val loss at each evaluation, as three aligned columns
 * (uPlot's data shape). Bounded: past MAX_POINTS steps, every other step
 * without a val loss is dropped, so a long run keeps its whole shape in a
 * few thousand points.
 */

export interface LossHistoryData {
  /** Step numbers, increasing. */
  steps: number[];
  /** Train loss at each step (null where only a val loss is known). */
  train: (number | null)[];
  /** Val loss where that step was evaluated, else null. */
  val: (number | null)[];
}

export const MAX_POINTS = 4000;

export class LossHistory {
  readonly steps: number[];
  readonly train: (number | null)[];
  readonly val: (number | null)[];

  constructor(data?: LossHistoryData) {
    const ok = data && data.steps.length === data.train.length && data.steps.length === data.val.length;
    this.steps = ok ? [...data.steps] : [];
    this.train = ok ? [...data.train] : [];
    this.val = ok ? [...data.val] : [];
  }

  get trainPoints(): number {
    return this.train.reduce<number>((n, v) => (v === null ? n : n + 1), 0);
  }

  get valPoints(): number {
    return this.val.reduce<number>((n, v) => (v === null ? n : n + 1), 0);
  }

  /** A step's train loss. A step at or before the last one (a run resumed from an earlier save) cuts the curve there. */
  addTrain(step: number, loss: number): void {
    this.truncateFrom(step);
    this.steps.push(step);
    this.train.push(loss);
    this.val.push(null);
    if (this.steps.length > MAX_POINTS) this.thin();
  }

  /** A val loss, on its step's point (appended when the step has none yet). */
  addVal(step: number, loss: number): void {
    const last = this.steps.length - 1;
    if (last >= 0 && this.steps[last] === step) {
      this.val[last] = loss;
      return;
    }
    this.truncateFrom(step);
    this.steps.push(step);
    this.train.push(null);
    this.val.push(loss);
  }

  /** Drops the points at `step` and after. */
  truncateFrom(step: number): void {
    let n = this.steps.length;
    while (n > 0 && (this.steps[n - 1] as number) >= step) n--;
    this.steps.length = n;
    this.train.length = n;
    this.val.length = n;
  }

  /** A copy for storage (IndexedDB clones it; the chart keeps using this one). */
  toJSON(): LossHistoryData {
    return { steps: [...this.steps], train: [...this.train], val: [...this.val] };
  }

  /** Keeps even indexes, every val point and the last point. */
  private thin(): void {
    let w = 0;
    const last = this.steps.length - 1;
    for (let i = 0; i <= last; i++) {
      if (i % 2 !== 0 && this.val[i] === null && i !== last) continue;
      this.steps[w] = this.steps[i] as number;
      this.train[w] = this.train[i] as number | null;
      this.val[w] = this.val[i] as number | null;
      w++;
    }
    this.steps.length = w;
    this.train.length = w;
    this.val.length = w;
  }
}
