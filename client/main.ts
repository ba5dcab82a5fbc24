import { ApiRequestError, getHealth } from './api';
import { browserGpuContext } from './gpu/browser';
import { KernelRunner } from './gpu/runner';
import { showAdapter, showNoGpu } from './ui/adapter-panel';
import { byId, setStatus } from './ui/dom';
import { runKernelCheck } from './ui/kernel-check-panel';

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

void checkApi();
void checkGpu();
