/** The leaderboard's two tables, or what an empty one means and how to fill it. */
import type { Leaderboard } from '../api';
import { el } from './dom';

function table(id: string, head: string[], rows: string[][]): HTMLElement {
  return el(
    'div',
    { class: 'scroll' },
    el(
      'table',
      { id },
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', {}, cell))))),
    ),
  );
}

function empty(explain: string): HTMLElement {
  return el('p', { class: 'empty' }, 'No runs shared yet — ', el('a', { href: '/train' }, 'train one'), `. ${explain}`);
}

export function bestValLossTable(board: Leaderboard): HTMLElement {
  if (board.bestValLoss.length === 0) {
    return empty('A run appears here once it reports a val loss.');
  }
  return table(
    'best-val-loss-table',
    ['Dataset', 'Preset', 'Val loss', 'Step', 'Run'],
    board.bestValLoss.map((r) => [r.dataset, r.preset, r.valLoss.toFixed(3), r.step.toLocaleString('en-US'), r.runId]),
  );
}

export function throughputTable(board: Leaderboard): HTMLElement {
  if (board.throughput.length === 0) {
    return empty('A GPU appears here once a run on it reports its tokens per second.');
  }
  return table(
    'throughput-table',
    ['GPU adapter', 'Median tokens/s', 'Runs'],
    board.throughput.map((r) => [
      r.adapterName,
      Math.round(r.medianTokensPerS).toLocaleString('en-US'),
      r.runs.toLocaleString('en-US'),
    ]),
  );
}
