import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError, type MetricPoint, type NewRun } from '../../client/api';
import { LossHistory, MAX_POINTS } from '../../client/train/loss-history';
import { BATCH_POINTS, FLUSH_MS, type MetricsApi, MetricsStream, SEQ_GAP } from '../../client/train/metrics-stream';

const NEW_RUN: NewRun = { model: 'gpt', preset: 'tiny', dataset: 'names', config: {}, adapter: {} };

/** An API that stores batches by seq like the server, and fails while `down`. */
function fakeApi() {
  const stored = new Map<number, MetricPoint[]>();
  const calls: number[] = [];
  const api = {
    down: false,
    refuse: false,
    stored,
    calls,
    async createRun() {
      if (api.down) throw new ApiRequestError(0, 'network', 'offline');
      return { id: 'run1', writeToken: 'tok' };
    },
    async postMetrics(_run: unknown, seq: number, points: MetricPoint[]) {
      calls.push(seq);
      if (api.refuse) throw new ApiRequestError(403, 'forbidden', 'Not the write token');
      if (api.down) throw new ApiRequestError(0, 'network', 'offline');
      if (!stored.has(seq)) stored.set(seq, points);
      return {};
    },
  } satisfies MetricsApi & Record<string, unknown>;
  return api;
}

const point = (step: number): MetricPoint => ({ step, train_loss: 1 / step, lr: 1e-3, tokens_per_s: 100, time: step });

describe('MetricsStream', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a batch every FLUSH_MS or at BATCH_POINTS, with increasing seqs', async () => {
    const api = fakeApi();
    const stream = new MetricsStream(NEW_RUN, undefined, null, api);
    for (let s = 1; s <= BATCH_POINTS + 3; s++) stream.push(point(s));
    await vi.advanceTimersByTimeAsync(0);
    expect([...api.stored.keys()]).toEqual([0]);
    expect(api.stored.get(0)?.length).toBe(BATCH_POINTS);
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    expect([...api.stored.keys()]).toEqual([0, 1]);
    expect(stream.status()).toMatchObject({ state: 'sent', runId: 'run1', sentPoints: BATCH_POINTS + 3 });
  });

  it('joins a val loss to its step and retries a failed batch with the same seq', async () => {
    const api = fakeApi();
    const stream = new MetricsStream(NEW_RUN, undefined, null, api);
    await vi.advanceTimersByTimeAsync(0);
    api.down = true;
    stream.push(point(1));
    stream.push({ step: 1, val_loss: 2.5 });
    await stream.flush();
    expect(stream.status()).toMatchObject({ state: 'offline', waitingPoints: 1 });
    stream.push(point(2));
    await stream.flush(); // a new batch (seq 1) waits behind seq 0
    api.down = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.calls).toEqual([0, 0, 0, 1]); // seq 0 tried at each flush and retry until it went
    expect(api.stored.get(0)).toEqual([{ ...point(1), val_loss: 2.5 }]);
    expect(stream.status()).toMatchObject({ state: 'sent', sentPoints: 2, waitingPoints: 0 });
  });

  it('keeps points while the run cannot be registered, and stops on a refusal', async () => {
    const api = fakeApi();
    api.down = true;
    const stream = new MetricsStream(NEW_RUN, undefined, null, api);
    stream.push(point(1));
    await stream.flush();
    expect(stream.status()).toMatchObject({ state: 'offline', runId: null });
    api.down = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(api.stored.get(0)).toEqual([point(1)]);
    api.refuse = true;
    stream.push(point(2));
    await stream.flush();
    expect(stream.status()).toMatchObject({ state: 'refused', message: 'Not the write token' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(api.calls).toEqual([0, 1]);
  });

  it('resumes a saved stream on the same run, past any seq the old tab could have used', async () => {
    const api = fakeApi();
    const first = new MetricsStream(NEW_RUN, undefined, null, api);
    await first.flush();
    api.down = true;
    first.push(point(1));
    await first.flush();
    const saved = first.savedState();
    expect(saved).toEqual({ run: { id: 'run1', writeToken: 'tok' }, nextSeq: 1, unsent: [point(1)] });
    api.down = false;
    const second = new MetricsStream(NEW_RUN, undefined, saved, api);
    await second.flush();
    expect(api.stored.get(1 + SEQ_GAP)).toEqual([point(1)]);
  });
});

describe('LossHistory', () => {
  it('puts val losses on their step, cuts the curve when a run resumes earlier, and stays bounded', () => {
    const h = new LossHistory();
    for (let s = 1; s <= 20; s++) h.addTrain(s, 5 - s / 10);
    h.addVal(20, 4.5);
    expect(h.val[19]).toBe(4.5);
    expect([h.trainPoints, h.valPoints]).toEqual([20, 1]);
    h.addTrain(11, 1); // resumed from a save at step 10
    expect(h.steps.slice(-2)).toEqual([10, 11]);
    expect(h.valPoints).toBe(0);
    const restored = new LossHistory(h.toJSON());
    expect(restored.steps).toEqual(h.steps);
    for (let s = 12; s <= 3 * MAX_POINTS; s++) {
      restored.addTrain(s, 1);
      if (s % 100 === 0) restored.addVal(s, 2);
    }
    expect(restored.steps.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(restored.valPoints).toBe((3 * MAX_POINTS) / 100);
    expect(restored.steps.at(-1)).toBe(3 * MAX_POINTS);
  });
});
