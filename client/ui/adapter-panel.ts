import type { AdapterSummary } from '../gpu/device';
import { GpuError } from '../gpu/errors';
import { el, setStatus } from './dom';

/** Shows the adapter's identity, key limits and features. */
export function showAdapter(status: HTMLElement, details: HTMLElement, adapter: AdapterSummary): void {
  setStatus(status, 'ready', `WebGPU is ready: ${adapterName(adapter)}`);
  const rows = [
    ['Vendor', adapter.vendor || '—'],
    ['Architecture', adapter.architecture || '—'],
    ['Device', adapter.device || '—'],
    ['Description', adapter.description || '—'],
    ...Object.entries(adapter.limits).map(([limit, value]) => [limit, formatLimit(limit, value)]),
  ];
  const table = el(
    'table',
    { id: 'adapter-table' },
    el('tbody', {}, ...rows.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k ?? ''), el('td', {}, v ?? '')))),
  );
  details.replaceChildren(
    el('div', { class: 'scroll' }, table),
    el('p', { class: 'features' }, el('strong', {}, 'Features: '), adapter.features.join(', ') || 'none'),
  );
}

/** Vendor · architecture · device, as far as the browser tells. */
export function adapterName(adapter: AdapterSummary): string {
  return [adapter.vendor, adapter.architecture, adapter.device].filter(Boolean).join(' · ') || 'unnamed adapter';
}

/** Explains, in plain words, why there is no GPU and what to do about it. */
export function showNoGpu(status: HTMLElement, error: unknown): void {
  const kind = error instanceof GpuError ? error.kind : 'error';
  const message = error instanceof Error ? error.message : String(error);
  const headline =
    kind === 'no-webgpu'
      ? 'WebGPU is not available in this browser.'
      : kind === 'no-adapter'
        ? 'WebGPU is available, but no GPU adapter was found.'
        : 'The GPU could not be started.';
  setStatus(
    status,
    'unavailable',
    el('p', {}, headline),
    el('p', { class: 'explain' }, message),
    el('p', { class: 'explain' }, 'Kindling trains models on your own GPU, so it needs WebGPU.'),
  );
}

function formatLimit(name: string, value: number): string {
  if (/Size$/.test(name) && value >= 1024 * 1024 && name !== 'maxComputeWorkgroupStorageSize') {
    return `${value.toLocaleString('en-US')} (${(value / 2 ** 20).toFixed(0)} MiB)`;
  }
  return value.toLocaleString('en-US');
}
