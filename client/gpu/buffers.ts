import type { GpuContext } from './device';
import { GpuError } from './errors';

/** GPU buffers for kernel inputs/outputs: f32 storage that can be copied out. */

/** Typed arrays a storage buffer can be filled from (f32, u32 and i32 kernels' element types). */
export type StorageData = Float32Array | Uint32Array | Int32Array;

/** A storage buffer holding `data`, or `data` zero 4-byte elements when a number is given. */
export function createStorageBuffer(gpu: GpuContext, label: string, data: StorageData | number): GPUBuffer {
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
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buffer.unmap();
  }
  return buffer;
}

/** Overwrites the start of `buffer` with `data` (queued before later submits). */
export function writeStorageBuffer(gpu: GpuContext, buffer: GPUBuffer, data: StorageData): void {
  gpu.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
}

/** Copies `count` u32 values (default: the whole buffer) back to the CPU. */
export async function readUint32(gpu: GpuContext, buffer: GPUBuffer, count?: number): Promise<Uint32Array> {
  return new Uint32Array((await readBytes(gpu, buffer, count === undefined ? buffer.size : count * 4)).buffer);
}

/** Copies `count` floats (default: the whole buffer) back to the CPU. */
export async function readFloat32(gpu: GpuContext, buffer: GPUBuffer, count?: number): Promise<Float32Array> {
  return new Float32Array((await readBytes(gpu, buffer, count === undefined ? buffer.size : count * 4)).buffer);
}

async function readBytes(gpu: GpuContext, buffer: GPUBuffer, bytes: number): Promise<Uint8Array> {
  gpu.throwIfFailed();
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
    return new Uint8Array(staging.getMappedRange().slice(0));
  } finally {
    staging.destroy();
    gpu.throwIfFailed();
  }
}
