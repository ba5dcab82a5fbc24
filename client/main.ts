import { ApiRequestError, getHealth, listCheckpoints } from './api';
import { browserGpuContext } from './gpu/browser';
import { KernelRunner } from './gpu/runner';
import { showAdapter, showNoGpu } from './ui/adapter-panel';
import { byId, el, setStatus } from './ui/dom';
import { runKernelCheck } from './ui/kernel-check-panel';
import { modelList } from './ui/model-list';

async function checkGpu(): Promise<void> {
  const status = byId('gpu-status');
  const check = byId('kernel-check');
  let runner: KernelRunner;
  try {
    const gpu = await browserGpuContext();
    showAdapter(status, byId('adapter'), gpu.adapter);
    runner = new KernelRunner(gpu);
  } catch (err) {
    showNoGpu(status, err);
    setStatus(check, 'unavailable', 'Skipped: this browser has no usable WebGPU adapter.');
    return;
  }
  await runKernelCheck(check, runner);
}

async function checkApi(): Promise<void> {
  const node = byId('api-status');
  try {
    const health = await getHealth();
    const parts = `D1 ${health.d1 ? 'ok' : 'failing'}, R2 ${health.r2 ? 'ok' : 'failing'}`;
    setStatus(
      node,
      health.ok ? 'ok' : 'down',
      health.ok
        ? `API v${health.version} is up: ${parts}.`
        : `API v${health.version} has a problem: ${parts}. ${(health.errors ?? []).join(' ')}`,
    );
  } catch (err) {
    const message = err instanceof ApiRequestError ? err.message : String(err);
    setStatus(node, 'down', `The API did not answer: ${message}`);
  }
}

async function showRecentModels(): Promise<void> {
  const node = byId('recent-models');
  try {
    const models = await listCheckpoints({ limit: 10 });
    if (models.length === 0) {
      setStatus(
        node,
        'empty',
        'No models shared yet. ',
        el('a', { href: '/train' }, 'Train a text model'),
        ' and share it: it will be listed here.',
      );
    } else {
      setStatus(node, 'listed', modelList('recent-model-list', models));
    }
  } catch (err) {
    const message = err instanceof ApiRequestError ? err.message : String(err);
    setStatus(node, 'down', `The shared models could not be loaded: ${message}`);
  }
}

void checkApi();
void showRecentModels();
void checkGpu();
