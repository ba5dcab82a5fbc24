/**
 * The live loss chart: train loss at every step and val loss at each
 * evaluation, two series of one uPlot chart over the step axis. The chart is
 * made once; new points reach it through setData at most every REDRAW_MS
 * (steps can come faster than a frame), and it follows its container's width
 * (ResizeObserver), shorter on a phone.
 *
 * The container's data-train-points / data-val-points / data-drawn-points say
 * what it holds and draws (the tests read them).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { LossHistory } from '../train/loss-history';

const REDRAW_MS = 250;
const TRAIN_COLOR = '#0969da';
const VAL_COLOR = '#cf222e';

/** Chart height for a container width: a phone gets a flatter chart. */
const heightFor = (width: number) => (width < 500 ? 200 : 260);

export class LossChart {
  private readonly chart: uPlot;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastDraw = 0;

  constructor(
    private readonly container: HTMLElement,
    private history: LossHistory,
  ) {
    const width = Math.max(200, container.clientWidth);
    const ink = getComputedStyle(container).color;
    const grid = { stroke: 'rgba(128, 128, 128, 0.2)', width: 1 };
    const axis = { stroke: ink, grid, ticks: grid };
    this.chart = new uPlot(
      {
        width,
        height: heightFor(width),
        scales: { x: { time: false } },
        cursor: { drag: { x: false, y: false } },
        series: [
          { label: 'Step', value: (_u, v) => (v == null ? '—' : String(v)) },
          {
            label: 'Train loss',
            stroke: TRAIN_COLOR,
            width: 1.5,
            points: { show: false },
            value: (_u, v) => (v == null ? '—' : v.toFixed(3)),
          },
          {
            label: 'Val loss',
            stroke: VAL_COLOR,
            width: 2,
            spanGaps: true,
            points: { show: true, size: 7, fill: VAL_COLOR },
            value: (_u, v) => (v == null ? '—' : v.toFixed(3)),
          },
        ],
        axes: [
          { ...axis, label: 'step' },
          { ...axis, label: 'loss', size: 50 },
        ],
      },
      this.data(),
      container,
    );
    this.describe();
    new ResizeObserver(() => this.resize()).observe(container);
  }

  /** Shows another run's history (a new or resumed session). */
  show(history: LossHistory): void {
    this.history = history;
    this.draw();
  }

  /** New points arrived: redraws now, or once REDRAW_MS after the last redraw. */
  update(): void {
    const wait = REDRAW_MS - (performance.now() - this.lastDraw);
    if (wait <= 0) this.draw();
    else this.timer ??= setTimeout(() => this.draw(), wait);
  }

  /** Redraws with every point now (at a pause or the end). */
  draw(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.lastDraw = performance.now();
    this.chart.setData(this.data());
    this.describe();
  }

  private data(): uPlot.AlignedData {
    const h = this.history;
    // Copies: uPlot keeps the arrays it is given, and the history keeps growing.
    return [h.steps.slice(), h.train.slice(), h.val.slice()];
  }

  private describe(): void {
    const h = this.history;
    const d = this.container.dataset;
    d.trainPoints = String(h.trainPoints);
    d.valPoints = String(h.valPoints);
    d.drawnPoints = String(this.chart.data[0].length);
    const last = h.steps.length - 1;
    this.container.setAttribute(
      'aria-label',
      last < 0
        ? 'Loss chart: no steps yet.'
        : `Loss chart: ${h.trainPoints} train losses and ${h.valPoints} val losses up to step ${h.steps[last]}.`,
    );
  }

  private resize(): void {
    const width = Math.max(200, this.container.clientWidth);
    if (width === this.chart.width) return;
    this.chart.setSize({ width, height: heightFor(width) });
  }
}
