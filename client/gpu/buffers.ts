import type { GpuContext } from './device';
import { GpuError } from './errors';

/** GPU buffers for kernel inputs/outputs: f32 storage that can be copied out. */

/** A storage buffer holding `data`, or `data` zero floats when a number is given. */
export function createStorageBuffer(gpu: GpuContext, label: string, data: Float32Array | number): GPUBuffer {
  const bytes = typeof data === 'number' ? data * 4 : data.byteLength;
  const max = gpu.adapter.limits.maxBufferSize;
  if (bytes > max) {
    throw new GpuError('invalid-use', `Buffer '${label}' needs ${bytes} bytes; this adapter allows ${max}`);
  }
  // Zero-size buffers cannot be bound; keep at least one float.
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const buffer = gpu.device.createBuffer({
    label,
    size,
    // Read at use (not at import): in Node these globals exist only after nodeGpuContext().
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    mappedAtCreation: typeof data !== 'number',
  });
  if (typeof data !== 'number') {
    new Float32Array(buffer.getMappedRange()).set(data);
    buffer.unmap();
  }
  return buffer;
}

/** Copies `count` floats (default: the whole buffer) back to the CPU. */
export async function readFloat32(gpu: GpuContext, buffer: GPUBuffer, count?: number): Promise<Float32Array> {
  gpu.throwIfFailed();
  const bytes = count === undefined ? buffer.size : count * 4;
  const staging = gpu.device.createBuffer({
    label: `${buffer.label} readback`,
    size: bytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = gpu.device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
  gpu.device.queue.submit([encoder.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
    return new Float32Array(staging.getMappedRange().slice(0));
  } finally {
    staging.destroy();
    gpu.throwIfFailed();
  }
}
