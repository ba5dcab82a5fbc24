/** Why GPU work could not run; the UI picks its explanation by `kind`. */
export type GpuErrorKind =
  | 'no-webgpu' // navigator.gpu / the webgpu package is missing
  | 'no-adapter' // WebGPU exists but no adapter was found
  | 'device-lost'
  | 'validation' // a WebGPU validation or out-of-memory error
  | 'compile' // WGSL did not compile
  | 'invalid-use'; // a kernel was called with wrong buffers or shapes

export class GpuError extends Error {
  constructor(
    readonly kind: GpuErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'GpuError';
  }
}
