import type { GpuContext } from '../../client/gpu/device';
import { nodeGpuContext } from '../../client/gpu/node';

/**
 * The Dawn context every GPU test file shares. No adapter is a failure with
 * the reason (nodeGpuContext says how to get one), never a skip.
 */
export async function testGpu(): Promise<GpuContext> {
  const gpu = await nodeGpuContext();
  console.info(`GPU tests on: ${gpu.adapter.vendor} ${gpu.adapter.architecture} (${gpu.adapter.description})`);
  return gpu;
}
