import { MATMUL_CHECK_SHAPES, type MatmulCheckResult, type MatmulShape, runMatmulCheck } from '../gpu/matmul-check';
import type { KernelRunner } from '../gpu/runner';
import { describeComparison } from '../numerics/compare';
import { el, setStatus } from './dom';

/** Runs every shape, then shows a table and one overall verdict. */
export async function runKernelCheck(node: HTMLElement, runner: KernelRunner): Promise<void> {
  setStatus(node, 'running', 'Running matmul_forward on your GPU…');
  const results: MatmulCheckResult[] = [];
  try {
    for (const shape of MATMUL_CHECK_SHAPES) results.push(await runMatmulCheck(runner, shape));
  } catch (err) {
    setStatus(node, 'error', `The kernel check could not run: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const passed = results.every((r) => r.comparison.ok);
  const verdict = passed
    ? `Pass: the GPU matches the CPU reference on all ${results.length} shapes.`
    : 'Fail: the GPU result differs from the CPU reference.';
  setStatus(node, passed ? 'pass' : 'fail', el('p', {}, verdict), resultTable(results));
  if (!passed) {
    const details = results
      .filter((r) => !r.comparison.ok)
      .map((r) => describeComparison(shapeLabel(r.shape), r.comparison));
    node.append(el('pre', {}, details.join('\n')));
  }
}

function shapeLabel(s: MatmulShape): string {
  return `(${s.BT}×${s.C}) · (${s.OC}×${s.C})ᵀ${s.bias ? ' + bias' : ''}`;
}

function resultTable(results: MatmulCheckResult[]): HTMLElement {
  const head = el(
    'tr',
    {},
    ...['Shape', 'Values', 'Max |error|', 'GPU ms', 'CPU ms', 'Result'].map((h) => el('th', { scope: 'col' }, h)),
  );
  const rows = results.map((r) =>
    el(
      'tr',
      {},
      el('td', {}, shapeLabel(r.shape)),
      el('td', {}, r.comparison.count.toLocaleString('en-US')),
      el('td', {}, r.comparison.maxAbsError.toExponential(2)),
      el('td', {}, r.gpuMs.toFixed(1)),
      el('td', {}, r.cpuMs.toFixed(1)),
      el('td', {}, r.comparison.ok ? 'match' : `${r.comparison.mismatchCount} differ`),
    ),
  );
  return el(
    'div',
    { class: 'scroll' },
    el('table', { id: 'kernel-table' }, el('thead', {}, head), el('tbody', {}, ...rows)),
  );
}
