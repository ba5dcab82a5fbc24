/**
 * What a run reports as it trains: its loss curve (the chart, and the
 * history the autosave keeps) and, when the box is ticked, its metrics
 * streamed to the site. One per page; begin() switches it to a new or
 * resumed session.
 */
import type { NewRun } from '../api';
import type { AdapterSummary } from '../gpu/device';
import { DEFAULT_GPT_CONFIG, GPT_PRESETS, type GptConfig } from '../model/gpt-config';
import type { SavedRun } from '../train/autosave';
import type { EvalReport, StepReport } from '../train/gpt-trainer';
import { LossHistory } from '../train/loss-history';
import { type MetricsStatus, MetricsStream } from '../train/metrics-stream';
import type { PreparedRun } from '../train/run-setup';
import { byId, setStatus } from './dom';
import { LossChart } from './loss-chart';

/** What the autosave keeps of the report. */
export type SavedReport = Pick<SavedRun, 'history' | 'metrics'>;

/** The preset a config is (a fine-tune keeps its checkpoint's), or 'custom'. */
export function presetOf(config: GptConfig): string {
  for (const [name, overrides] of Object.entries(GPT_PRESETS)) {
    const preset = { ...DEFAULT_GPT_CONFIG, ...overrides };
    const same = (['contextLength', 'layers', 'heads', 'channels'] as const).every((k) => preset[k] === config[k]);
    if (same) return name;
  }
  return 'custom';
}

function newRunOf(run: PreparedRun, adapter: AdapterSummary): NewRun {
  const { config, tokenizer, settings, dataDescription } = run.source;
  return {
    model: 'gpt',
    preset: presetOf(config),
    dataset: dataDescription.slice(0, 200),
    config: { ...config, tokenizer: tokenizer.kind, settings },
    adapter: {
      vendor: adapter.vendor,
      architecture: adapter.architecture,
      device: adapter.device,
      description: adapter.description,
    },
  };
}

function statusText(s: MetricsStatus): string {
  const waiting = s.waitingPoints > 0 ? `, ${s.waitingPoints} waiting` : '';
  switch (s.state) {
    case 'connecting':
      return 'metrics: connecting…';
    case 'offline':
      return `metrics: offline, will retry (${s.sentPoints} points sent${waiting})`;
    case 'refused':
      return `metrics: the site refused them, so they are no longer sent (${s.message ?? ''})`;
    default:
      return `metrics: ${s.sentPoints} points sent${waiting}`;
  }
}

export class RunReport {
  private history = new LossHistory();
  private readonly chart = new LossChart(byId('train-loss-chart'), this.history);
  private stream: MetricsStream | null = null;
  /** Which begin() the status line belongs to (an old stream may still report). */
  private generation = 0;
  private readonly checkbox = byId('send-metrics') as HTMLInputElement;
  private readonly status = byId('metrics-status');

  get runId(): string | null {
    return this.stream?.runId ?? null;
  }

  /** A session starts: its history (a resumed run's saved one), and a stream if metrics are on. */
  begin(run: PreparedRun, adapter: AdapterSummary, saved: SavedReport | null): void {
    void this.stream?.flush(); // the last run's stream keeps retrying what it holds
    this.history = new LossHistory(saved?.history);
    this.chart.show(this.history);
    if (!this.checkbox.checked) {
      this.generation++;
      this.stream = null;
      setStatus(this.status, 'off', 'metrics: not sent (the box above is unticked)');
      delete this.status.dataset.runId;
      return;
    }
    const generation = ++this.generation;
    const onStatus = (s: MetricsStatus) => {
      if (generation === this.generation) this.showStatus(s);
    };
    this.stream = new MetricsStream(newRunOf(run, adapter), onStatus, saved?.metrics ?? null);
  }

  step(r: StepReport): void {
    this.history.addTrain(r.step, r.loss);
    this.chart.update();
    this.stream?.push({
      step: r.step,
      train_loss: r.loss,
      tokens_per_s: r.tokensPerSecond,
      lr: r.lr,
      time: Date.now(),
    });
  }

  eval(r: EvalReport): void {
    this.history.addVal(r.step, r.valLoss);
    this.chart.update();
    this.stream?.push({ step: r.step, val_loss: r.valLoss, time: Date.now() });
  }

  /** The run paused or ended: draw everything and send what is buffered (never rejects). */
  settle(): Promise<void> {
    this.chart.draw();
    return this.stream?.flush() ?? Promise.resolve();
  }

  /** For the autosave. */
  saved(): SavedReport {
    return { history: this.history.toJSON(), metrics: this.stream?.savedState() };
  }

  /** The box applies from the next run on; it cannot change mid-run. */
  setBusy(busy: boolean): void {
    this.checkbox.disabled = busy;
  }

  private showStatus(s: MetricsStatus): void {
    setStatus(this.status, s.state, statusText(s));
    if (s.runId) this.status.dataset.runId = s.runId;
    this.status.dataset.sent = String(s.sentPoints);
  }
}
