/**
 * Streams a run's metrics to the site's API while it trains: the run is
 * registered once (POST /api/runs), then points are buffered and sent in
 * batches — every FLUSH_MS, or as soon as BATCH_POINTS are waiting, and on
 * flush() (pause, stop, finish, share).
 *
 * Each batch gets its sequence number when it is cut and keeps it: a batch
 * that fails is retried later with the same seq, so the server (which stores
 * a (run, seq) once) never counts it twice. Batches go in seq order, one
 * request at a time; network errors and 5xx wait and retry (2 s doubling to
 * 30 s), for as long as the tab lives. A refusal (401/403/404/422) ends the
 * stream: retrying cannot help. Nothing here ever throws into training.
 *
 * The autosave keeps savedState(): the run and its write token, the next seq
 * and the points not yet sent. A tab may cut a few more batches after its
 * last save; a resumed stream starts SEQ_GAP past the saved seq, so it never
 * reuses one of those (the server would drop it as a duplicate).
 */
import { ApiRequestError, createRun, type MetricPoint, type NewRun, postMetrics } from '../api';

export const BATCH_POINTS = 50;
export const FLUSH_MS = 2000;
export const RETRY_MIN_MS = 2000;
export const RETRY_MAX_MS = 30_000;
/** More batches than a tab can cut between two autosaves. */
export const SEQ_GAP = 1_000_000;
/** Unsent points kept in the autosave (the newest). */
export const MAX_SAVED_POINTS = 10_000;

export interface RunAuth {
  id: string;
  writeToken: string;
}

export interface SavedMetrics {
  /** Null when the run was not registered yet (the API was unreachable). */
  run: RunAuth | null;
  nextSeq: number;
  unsent: MetricPoint[];
}

export type MetricsState = 'connecting' | 'sending' | 'sent' | 'offline' | 'refused';

export interface MetricsStatus {
  state: MetricsState;
  runId: string | null;
  /** Points the server acknowledged in this tab. */
  sentPoints: number;
  /** Points buffered or in batches not yet acknowledged. */
  waitingPoints: number;
  /** Why, for 'offline' and 'refused'. */
  message?: string;
}

/** The two API calls the stream makes (tests pass fakes). */
export interface MetricsApi {
  createRun(run: NewRun): Promise<RunAuth>;
  postMetrics(run: RunAuth, seq: number, points: MetricPoint[]): Promise<unknown>;
}

const SITE_API: MetricsApi = { createRun, postMetrics };

/** Whether a failed request can succeed later (network, server trouble, rate limit). */
function retryable(err: unknown): boolean {
  if (!(err instanceof ApiRequestError)) return true;
  return err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 500;
}

export class MetricsStream {
  private run: RunAuth | null;
  private nextSeq: number;
  private buffer: MetricPoint[];
  private readonly batches: { seq: number; points: MetricPoint[] }[] = [];
  private sending: Promise<void> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelay = 0;
  private sentPoints = 0;
  private refused: string | null = null;
  private lastError = '';

  /**
   * A stream for `newRun`; `saved` continues an autosaved run's stream (same
   * run, later seqs, its unsent points first).
   */
  constructor(
    private readonly newRun: NewRun,
    private readonly onStatus: (status: MetricsStatus) => void = () => undefined,
    saved: SavedMetrics | null = null,
    private readonly api: MetricsApi = SITE_API,
  ) {
    this.run = saved?.run ?? null;
    this.nextSeq = saved?.run ? saved.nextSeq + SEQ_GAP : 0;
    this.buffer = saved ? [...saved.unsent] : [];
    this.cut();
    void this.pump();
  }

  get runId(): string | null {
    return this.run?.id ?? null;
  }

  /** A train step's numbers; a val loss for the step just pushed joins its point. */
  push(point: MetricPoint): void {
    if (this.refused) return;
    const last = this.buffer[this.buffer.length - 1];
    if (last && last.step === point.step && point.train_loss == null) {
      last.val_loss = point.val_loss ?? last.val_loss;
    } else {
      this.buffer.push({ ...point });
    }
    if (this.buffer.length >= BATCH_POINTS) {
      void this.sendNow();
    } else {
      this.flushTimer ??= setTimeout(() => void this.sendNow(), FLUSH_MS);
    }
  }

  /** Sends everything buffered now; resolves after one attempt (never rejects). */
  flush(): Promise<void> {
    return this.sendNow();
  }

  /** What the autosave keeps to continue this stream after a reload. */
  savedState(): SavedMetrics {
    const unsent = [...this.batches.flatMap((b) => b.points), ...this.buffer].slice(-MAX_SAVED_POINTS);
    return { run: this.run, nextSeq: this.nextSeq, unsent: unsent.map((p) => ({ ...p })) };
  }

  status(): MetricsStatus {
    const waitingPoints = this.buffer.length + this.batches.reduce((n, b) => n + b.points.length, 0);
    const base = { runId: this.runId, sentPoints: this.sentPoints, waitingPoints };
    if (this.refused) return { ...base, state: 'refused', message: this.refused };
    if (this.retryTimer !== null) return { ...base, state: 'offline', message: this.lastError };
    if (!this.run) return { ...base, state: 'connecting' };
    return { ...base, state: this.sending ? 'sending' : 'sent' };
  }

  private sendNow(): Promise<void> {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.cut();
    return this.pump();
  }

  /** Buffer -> batches of at most BATCH_POINTS, each with its seq for good. */
  private cut(): void {
    while (this.buffer.length > 0) {
      this.batches.push({ seq: this.nextSeq++, points: this.buffer.splice(0, BATCH_POINTS) });
    }
  }

  /** Sends the batches in order, one drain at a time (a drain also takes batches cut while it runs). */
  private pump(): Promise<void> {
    if (this.refused) return Promise.resolve();
    if (this.sending) return this.sending;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.sending = this.drain().then((err) => {
      this.sending = null;
      if (err !== null) this.failed(err);
      this.onStatus(this.status());
    });
    this.onStatus(this.status());
    return this.sending;
  }

  /** Null when every batch went; else the error that stopped it. */
  private async drain(): Promise<unknown> {
    try {
      this.run ??= await this.api.createRun(this.newRun);
      this.onStatus(this.status());
      for (let batch = this.batches[0]; batch; batch = this.batches[0]) {
        await this.api.postMetrics(this.run, batch.seq, batch.points);
        this.batches.shift();
        this.sentPoints += batch.points.length;
        this.retryDelay = 0;
      }
      return null;
    } catch (err) {
      return err ?? new Error('unknown error');
    }
  }

  private failed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (!retryable(err)) {
      this.refused = message;
      this.batches.length = 0;
      this.buffer.length = 0;
      return;
    }
    this.lastError = message;
    this.retryDelay = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.retryDelay * 2));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.pump();
    }, this.retryDelay);
  }
}
