import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { type GpuContext, requestGpuContext } from './device';
import { GpuError } from './errors';

/** Where Debian's chromium package puts SwiftShader's Vulkan driver (a CPU adapter). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * A GPU context from Dawn (the `webgpu` npm package) for Node: the headless
 * trainer, tests and benchmarks. Dawn needs a Vulkan driver; without a GPU,
 * SwiftShader serves, selected by VK_ICD_FILENAMES in the parent process.
 */
export async function nodeGpuContext(): Promise<GpuContext> {
  // Vulkan reads the driver choice when Dawn loads. Unset, it would try every
  // installed driver, and Debian 12's own lavapipe is one Dawn rejects; so
  // SwiftShader is the default wherever chromium installed it. (In a worker
  // thread process.env is a copy: there the parent must set it, as vitest.config.ts does.)
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  // Vulkan's window-system code complains on stderr without a runtime dir (none on a server).
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  let webgpu: typeof import('webgpu');
  try {
    webgpu = await import('webgpu');
  } catch (err) {
    throw new GpuError('no-webgpu', `The 'webgpu' package (Dawn for Node) did not load: ${String(err)}`);
  }
  // Dawn's enums and classes (GPUBufferUsage, ...) become globals, as in a browser.
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  const icd = process.env.VK_ICD_FILENAMES;
  return requestGpuContext(
    gpu,
    `Dawn needs a Vulkan driver (libvulkan1). Without a GPU use SwiftShader: apt-get install chromium libvulkan1 ` +
      `and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (now ${icd ? `'${icd}'` : 'unset'}).`,
  );
}
