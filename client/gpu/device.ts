import { GpuError } from './errors';

/**
 * One way to get a device, wherever the GPU object comes from: the browser's
 * `navigator.gpu` (browser.ts) or the `webgpu` package's Dawn (node.ts).
 */

/** Limits worth showing a person and checking before a dispatch. */
export const KEY_LIMITS = [
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'minStorageBufferOffsetAlignment',
] as const;
export type KeyLimit = (typeof KEY_LIMITS)[number];

/** Optional features we use when the adapter has them. */
const WANTED_FEATURES: GPUFeatureName[] = ['timestamp-query', 'shader-f16', 'subgroups'];

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  features: string[];
  limits: Record<KeyLimit, number>;
}

/** A device plus what we know about its adapter, and its failure if any. */
export class GpuContext {
  /** First uncaptured error or device loss; every later GPU call rethrows it. */
  failure: GpuError | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
    /**
     * The GPU object and adapter the device came from. Held only so that they
     * outlive the device: in Dawn-node, a garbage-collected GPU instance frees
     * state the device still uses, and the process crashes at random.
     */
    readonly source: { gpu: GPU; adapter: GPUAdapter },
  ) {
    device.addEventListener('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      this.failure ??= new GpuError('validation', `Uncaptured WebGPU error: ${error.message}`);
    });
    void device.lost.then((info) => {
      if (info.reason === 'destroyed') return;
      this.failure ??= new GpuError('device-lost', `GPU device lost: ${info.message || info.reason}`);
    });
  }

  /** Throws the recorded failure, so that no work runs on a broken device. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  destroy(): void {
    this.device.destroy();
  }
}

export function summarizeAdapter(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  const limits = {} as Record<KeyLimit, number>;
  for (const name of KEY_LIMITS) limits[name] = adapter.limits[name];
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}

/**
 * Requests an adapter and a device with the adapter's full compute limits.
 * `noAdapterHint` says, in the caller's terms, how to get an adapter.
 */
export async function requestGpuContext(
  gpu: GPU,
  noAdapterHint: string,
  powerPreference: GPUPowerPreference = 'high-performance',
): Promise<GpuContext> {
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (!adapter) throw new GpuError('no-adapter', `WebGPU found no GPU adapter. ${noAdapterHint}`);
  const requiredLimits: Record<string, number> = {};
  for (const name of KEY_LIMITS) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  return new GpuContext(device, summarizeAdapter(adapter), { gpu, adapter });
}
