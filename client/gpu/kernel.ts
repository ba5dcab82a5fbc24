/**
 * A kernel spec: everything the generic runner needs to build the bind-group
 * layout, the pipeline and the dispatch of one WGSL entry point. Call sites
 * name bindings and uniforms; the spec's order is the WGSL's order, and the
 * runner checks the two against each other (wgsl-interface.ts) before use.
 *
 * Layout convention: storage bindings are @group(0) @binding(0..n-1) in the
 * order listed; when the kernel has uniforms, they are one
 * `var<uniform> params: Params` at @binding(n), a struct of 4-byte scalars.
 */

export type StorageAccess = 'read' | 'read_write';
export type UniformType = 'u32' | 'i32' | 'f32';

export interface StorageBindingSpec<B extends string, U extends string> {
  name: B;
  access: StorageAccess;
  /** Bytes the kernel reads or writes for these uniforms (checked before dispatch). */
  bytes: (uniforms: Record<U, number>) => number;
  /** An optional binding may be given null; the runner binds a dummy buffer. */
  optional?: boolean;
}

export interface UniformSpec<U extends string> {
  name: U;
  type: UniformType;
}

export interface KernelSpec<B extends string = string, U extends string = string> {
  /** Unique name; also the WGSL file's base name, used in error messages. */
  name: string;
  /** WGSL source with one `@compute fn main`. */
  wgsl: string;
  bindings: readonly StorageBindingSpec<B, U>[];
  uniforms: readonly UniformSpec<U>[];
  workgroupSize: readonly [number, number, number];
  /** Workgroup counts for these uniforms. */
  dispatch: (uniforms: Record<U, number>) => readonly [number, number, number];
  /** Values for WGSL `override` constants (part of the pipeline cache key). */
  constants?: Readonly<Record<string, number>>;
}

/** Identity function that keeps the binding and uniform names as literal types. */
export function defineKernel<const B extends string, const U extends string>(spec: KernelSpec<B, U>): KernelSpec<B, U> {
  return spec;
}

/**
 * Part of a buffer bound on its own: e.g. one parameter tensor inside the
 * flat parameter buffer. `offset` must be a multiple of the adapter's
 * minStorageBufferOffsetAlignment (256 bytes everywhere we have seen).
 */
export interface BufferSlice {
  buffer: GPUBuffer;
  /** Bytes from the start of the buffer. */
  offset: number;
  /** Bytes bound. */
  size: number;
}

/** What one binding is given: a whole buffer or a slice of one. */
export type BoundBuffer = GPUBuffer | BufferSlice;

/** Buffers for a dispatch, by binding name; optional bindings may be null. */
export type KernelBuffers<B extends string> = Record<B, BoundBuffer | null>;

/** The buffer, offset and size a binding resolves to. */
export function resolveBinding(bound: BoundBuffer): BufferSlice {
  return 'buffer' in bound ? bound : { buffer: bound, offset: 0, size: bound.size };
}

export const F32_BYTES = 4;
