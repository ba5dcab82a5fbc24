import { type GpuContext, requestGpuContext } from './device';
import { GpuError } from './errors';

/** A GPU context from the browser's `navigator.gpu`. */
export async function browserGpuContext(): Promise<GpuContext> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    throw new GpuError(
      'no-webgpu',
      'This browser does not offer WebGPU (navigator.gpu is missing). Use a current Chrome or Edge ' +
        '(version 113 or newer) on Windows, macOS or ChromeOS, Chrome on Android 12+, Safari 26, or ' +
        'Firefox 141+ on Windows. On Linux, start Chrome or Chromium with --enable-unsafe-webgpu. ' +
        'WebGPU also needs a secure context: https:// or http://localhost / 127.0.0.1.',
    );
  }
  return requestGpuContext(
    navigator.gpu,
    'Your GPU may be blocklisted or hardware acceleration turned off: check chrome://gpu, ' +
      'enable "Use graphics acceleration when available", update the GPU driver, or try another browser.',
  );
}
