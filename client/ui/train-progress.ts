/**
 * The run's numbers: progress bar, step, train loss (and the first one, to
 * see it fall), last val loss, tokens/s, elapsed, ETA, last autosave. Steps
 * arrive as fast as the GPU goes; the page is redrawn at most 10 times a
 * second, and always with the latest step.
 */
import type { EvalReport, StepReport } from '../train/gpt-trainer';
import { byId } from './dom';
import { formatClock, formatDuration } from './format';

const REDRAW_MS = 100;

export class ProgressView {
  private latest: StepReport | null = null;
  private firstLoss: number | null = null;
  /** Tokens/s smoothed over the last ~10 steps (one step's time is noisy). */
  private tokensPerSecond: number | null = null;
  private lastDraw = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private step0 = 0;
  private total = 1;
  private readonly bar = byId('progress') as HTMLProgressElement;

  /** A new session: starting step and the schedule's total. */
  reset(step: number, total: number): void {
    this.latest = null;
    this.firstLoss = null;
    this.tokensPerSecond = null;
    this.step0 = step;
    this.total = total;
    for (const id of ['stat-loss', 'stat-val', 'stat-tps', 'stat-elapsed', 'stat-eta']) byId(id).textContent = '—';
    this.draw();
  }

  step(report: StepReport): void {
    this.latest = report;
    this.firstLoss ??= report.loss;
    this.tokensPerSecond =
      this.tokensPerSecond === null
        ? report.tokensPerSecond
        : 0.9 * this.tokensPerSecond + 0.1 * report.tokensPerSecond;
    const wait = REDRAW_MS - (performance.now() - this.lastDraw);
    if (wait <= 0) this.draw();
    else this.timer ??= setTimeout(() => this.draw(), wait);
  }

  eval(report: EvalReport): void {
    const node = byId('stat-val');
    node.textContent = `${report.valLoss.toFixed(3)} (step ${report.step})`;
    node.dataset.value = String(report.valLoss);
  }

  saved(step: number, at: Date): void {
    byId('stat-saved').textContent = `step ${step} at ${formatClock(at)}`;
  }

  adapter(name: string): void {
    byId('stat-adapter').textContent = name;
  }

  /** Draws the latest numbers now. */
  draw(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.lastDraw = performance.now();
    const r = this.latest;
    const step = r?.step ?? this.step0;
    this.bar.max = this.total;
    this.bar.value = Math.min(step, this.total);
    const stepNode = byId('stat-step');
    stepNode.textContent = `${step.toLocaleString('en-US')} / ${this.total.toLocaleString('en-US')}`;
    stepNode.dataset.value = String(step);
    if (!r) return;
    const loss = byId('stat-loss');
    loss.textContent = `${r.loss.toFixed(3)} (first ${(this.firstLoss ?? r.loss).toFixed(3)})`;
    loss.dataset.value = String(r.loss);
    loss.dataset.first = String(this.firstLoss);
    byId('stat-tps').textContent = Math.round(this.tokensPerSecond ?? 0).toLocaleString('en-US');
    byId('stat-elapsed').textContent = formatDuration(r.elapsedSeconds);
    byId('stat-eta').textContent = r.step >= this.total ? 'done' : formatDuration(r.etaSeconds);
  }
}
