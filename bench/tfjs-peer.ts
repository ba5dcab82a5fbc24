import type { GpuContext } from '../client/gpu/device';

export type Tfjs = typeof import('@tensorflow/tfjs-core');

/**
 * TensorFlow.js's WebGPU backend on *our* device, so that the peer and our
 * kernels run on the same adapter in the same process. TF.js looks for
 * navigator.gpu before it accepts a device, which Node 20 lacks.
 */
export async function createTfjsPeer(gpu: GpuContext): Promise<Tfjs> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator?.gpu) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { ...(g.navigator ?? {}), gpu: gpu.source.gpu },
      configurable: true,
    });
  }
  const tf = await import('@tensorflow/tfjs-core');
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(gpu.device));
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not start its WebGPU backend on our device');
  await tf.ready();
  return tf;
}
