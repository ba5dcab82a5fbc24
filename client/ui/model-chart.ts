/**
 * The run's loss curves with uPlot: train loss and val loss against step,
 * from the metrics the trainer streamed to D1. Val loss is measured every
 * few steps, so its series has gaps that the line spans.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { getRunMetrics } from '../api';
import { el, setStatus } from './dom';

const CHART_HEIGHT = 260;

export async function showLossCurves(node: HTMLElement, runId: string | null): Promise<void> {
  if (!runId) {
    setStatus(node, 'empty', 'No metrics were shared with this model: its trainer did not link a run.');
    return;
  }
  let metrics: Awaited<ReturnType<typeof getRunMetrics>>;
  try {
    metrics = await getRunMetrics(runId);
  } catch (err) {
    setStatus(node, 'error', `The run's metrics could not be loaded: ${String(err)}`);
    return;
  }
  const points = metrics.points;
  if (points.length === 0) {
    setStatus(node, 'empty', `No metrics were shared: run ${runId} has no points.`);
    return;
  }
  const data: uPlot.AlignedData = [
    points.map((p) => p.step),
    points.map((p) => p.train_loss),
    points.map((p) => p.val_loss),
  ];
  const plot = el('div', { id: 'loss-chart', 'data-points': String(points.length) });
  const caption = el(
    'p',
    { class: 'hint' },
    `Run ${runId}: ${metrics.total.toLocaleString('en-US')} points` +
      (metrics.total > points.length ? `, ${points.length} shown.` : '.'),
  );
  setStatus(node, 'shown', plot, caption);
  const width = () => Math.max(280, plot.clientWidth || node.clientWidth);
  const chart = new uPlot(
    {
      width: width(),
      height: CHART_HEIGHT,
      scales: { x: { time: false } },
      axes: [
        { label: 'step', stroke: 'currentColor' },
        { label: 'loss', stroke: 'currentColor' },
      ],
      series: [
        { label: 'step' },
        { label: 'train loss', stroke: '#0969da', width: 2, spanGaps: true },
        { label: 'val loss', stroke: '#cf222e', width: 2, spanGaps: true, points: { show: true } },
      ],
    },
    data,
    plot,
  );
  window.addEventListener('resize', () => chart.setSize({ width: width(), height: CHART_HEIGHT }));
}
