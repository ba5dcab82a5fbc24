import type { GpuContext } from './device';
import { GpuError } from './errors';
import { F32_BYTES, type KernelBuffers, type KernelSpec, resolveBinding } from './kernel';
import { checkSpecMatchesWgsl } from './wgsl-interface';

/**
 * The one generic runner: spec -> bind-group layout -> pipeline (cached by
 * key) -> bind group -> dispatch. Every check that can be made on the CPU is
 * made before anything reaches the GPU, and every WebGPU validation error is
 * turned into a thrown GpuError (Dawn may otherwise drop the work silently).
 */

interface CompiledKernel {
  wgsl: string;
  layout: GPUBindGroupLayout;
  pipeline: GPUComputePipeline;
}

/** A dispatch with its bind group and uniform buffer built, ready to encode many times. */
export interface PreparedDispatch {
  spec: KernelSpec;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: readonly [number, number, number];
  /** Null when the kernel has no uniforms. */
  uniformBuffer: GPUBuffer | null;
  /** The buffers bound, by binding name. */
  buffers: KernelBuffers<string>;
}

export class KernelRunner {
  private readonly compiled = new Map<string, Promise<CompiledKernel>>();
  /** Bound in place of an optional binding given null. */
  private readonly placeholder: GPUBuffer;

  constructor(readonly gpu: GpuContext) {
    this.placeholder = gpu.device.createBuffer({
      label: 'placeholder for an absent optional binding',
      size: 16,
      usage: GPUBufferUsage.STORAGE,
    });
  }

  get device(): GPUDevice {
    return this.gpu.device;
  }

  /** The compiled pipeline for a spec; compiled once per name and constants. */
  compile(spec: KernelSpec): Promise<CompiledKernel> {
    const key = `${spec.name}:${JSON.stringify(spec.constants ?? {})}`;
    let entry = this.compiled.get(key);
    if (!entry) {
      entry = this.build(spec);
      this.compiled.set(key, entry);
      entry.catch(() => this.compiled.delete(key));
    }
    return entry.then((kernel) => {
      if (kernel.wgsl !== spec.wgsl) {
        throw new GpuError('invalid-use', `Two different kernels are both named '${spec.name}'`);
      }
      return kernel;
    });
  }

  private async build(spec: KernelSpec): Promise<CompiledKernel> {
    this.gpu.throwIfFailed();
    try {
      checkSpecMatchesWgsl(spec);
    } catch (err) {
      throw new GpuError('invalid-use', (err as Error).message);
    }
    const limits = this.gpu.adapter.limits;
    const invocations = spec.workgroupSize[0] * spec.workgroupSize[1] * spec.workgroupSize[2];
    if (invocations > limits.maxComputeInvocationsPerWorkgroup) {
      throw new GpuError(
        'invalid-use',
        `${spec.name}: workgroup of ${invocations} invocations; this adapter allows ${limits.maxComputeInvocationsPerWorkgroup}`,
      );
    }
    if (spec.bindings.length > limits.maxStorageBuffersPerShaderStage) {
      throw new GpuError(
        'invalid-use',
        `${spec.name}: ${spec.bindings.length} storage buffers; this adapter allows ${limits.maxStorageBuffersPerShaderStage} per stage`,
      );
    }
    const device = this.device;
    const entries: GPUBindGroupLayoutEntry[] = spec.bindings.map((b, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage' },
    }));
    if (spec.uniforms.length > 0) {
      entries.push({ binding: entries.length, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
    }
    // Inside an error scope, so a broken shader is reported here and does not
    // poison the device as an uncaptured error; the compilation messages
    // carry the shader's own line and column, so they are preferred.
    const created = captureErrors(this.gpu, () =>
      device.createShaderModule({ label: `${spec.name}.wgsl`, code: spec.wgsl }),
    );
    const info = await created.value.getCompilationInfo();
    const scopeError = await created.error;
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) throw new GpuError('compile', formatCompileErrors(spec, errors));
    if (scopeError) throw new GpuError('compile', `${spec.name}.wgsl: ${scopeError.message}`);
    const module = created.value;
    const [layout, pipelineLayout] = await checked(this.gpu, spec.name, () => {
      const layout = device.createBindGroupLayout({ label: spec.name, entries });
      return [layout, device.createPipelineLayout({ label: spec.name, bindGroupLayouts: [layout] })] as const;
    });
    // Async creation: browsers compile off the main thread; a failure rejects.
    const pipeline = await device
      .createComputePipelineAsync({
        label: spec.name,
        layout: pipelineLayout,
        compute: { module, entryPoint: 'main', ...(spec.constants ? { constants: { ...spec.constants } } : {}) },
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        throw new GpuError('compile', `${spec.name}.wgsl: pipeline creation failed: ${message}`);
      });
    return { wgsl: spec.wgsl, layout, pipeline };
  }

  /** Checks buffers and uniforms against the spec and builds the bind group. */
  async prepare<B extends string, U extends string>(
    spec: KernelSpec<B, U>,
    buffers: KernelBuffers<B>,
    uniforms: Record<U, number>,
  ): Promise<PreparedDispatch> {
    const kernel = await this.compile(spec as KernelSpec);
    const workgroups = checkDispatch(spec, buffers, uniforms, this.gpu);
    const entries: GPUBindGroupEntry[] = spec.bindings.map((b, binding) => {
      const bound = buffers[b.name];
      return { binding, resource: bound ? resolveBinding(bound) : { buffer: this.placeholder } };
    });
    let uniformBuffer: GPUBuffer | null = null;
    if (spec.uniforms.length > 0) {
      uniformBuffer = this.device.createBuffer({
        label: `${spec.name} params`,
        size: Math.ceil((spec.uniforms.length * 4) / 16) * 16,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      this.device.queue.writeBuffer(uniformBuffer, 0, packUniforms(spec, uniforms));
      entries.push({ binding: entries.length, resource: { buffer: uniformBuffer } });
    }
    const bindGroup = await checked(this.gpu, spec.name, () =>
      this.device.createBindGroup({ label: spec.name, layout: kernel.layout, entries }),
    );
    return {
      spec: spec as KernelSpec,
      pipeline: kernel.pipeline,
      bindGroup,
      workgroups,
      uniformBuffer,
      buffers: buffers as KernelBuffers<string>,
    };
  }

  /** Rewrites a prepared dispatch's uniforms (e.g. AdamW's step) without rebuilding it. */
  setUniforms(prepared: PreparedDispatch, uniforms: Record<string, number>): void {
    if (!prepared.uniformBuffer) throw new GpuError('invalid-use', `${prepared.spec.name} has no uniforms`);
    const spec = prepared.spec;
    // The same checks as prepare: new sizes must still fit the bound buffers.
    const workgroups = checkDispatch(spec, prepared.buffers, uniforms, this.gpu);
    if (workgroups.some((n, i) => n !== prepared.workgroups[i])) {
      throw new GpuError('invalid-use', `${spec.name}: new uniforms change the dispatch shape; prepare it again`);
    }
    this.device.queue.writeBuffer(prepared.uniformBuffer, 0, packUniforms(spec, uniforms));
  }

  /** Records a prepared dispatch into an open compute pass. */
  encode(pass: GPUComputePassEncoder, prepared: PreparedDispatch): void {
    pass.setPipeline(prepared.pipeline);
    pass.setBindGroup(0, prepared.bindGroup);
    pass.dispatchWorkgroups(...prepared.workgroups);
  }

  /** Records prepared dispatches, in order, as one compute pass of `encoder`. */
  encodePass(encoder: GPUCommandEncoder, dispatches: readonly PreparedDispatch[], label?: string): void {
    const pass = encoder.beginComputePass({ label: label ?? dispatches.map((d) => d.spec.name).join(', ') });
    for (const d of dispatches) this.encode(pass, d);
    pass.end();
  }

  /** Submits prepared dispatches in order, in one pass; throws on any WebGPU error. */
  async submit(dispatches: readonly PreparedDispatch[]): Promise<void> {
    const label = dispatches.map((d) => d.spec.name).join(', ');
    await this.submitCommands(label, (encoder) => this.encodePass(encoder, dispatches, label));
  }

  /**
   * Builds one command buffer with `record` (passes, clears, copies) and
   * submits it, inside error scopes: a training step is one such submit.
   */
  async submitCommands(label: string, record: (encoder: GPUCommandEncoder) => void): Promise<void> {
    await checked(this.gpu, label, () => {
      const encoder = this.device.createCommandEncoder({ label });
      record(encoder);
      this.device.queue.submit([encoder.finish()]);
    });
  }

  /** Prepare, submit, release: for one-off calls outside a training step. */
  async run<B extends string, U extends string>(
    spec: KernelSpec<B, U>,
    buffers: KernelBuffers<B>,
    uniforms: Record<U, number>,
  ): Promise<void> {
    const prepared = await this.prepare(spec, buffers, uniforms);
    try {
      await this.submit([prepared]);
    } finally {
      prepared.uniformBuffer?.destroy();
    }
  }
}

/**
 * Runs synchronous WebGPU calls inside validation and out-of-memory error
 * scopes. The scopes are popped before anything is awaited, so concurrent
 * callers cannot interleave them; `error` is what the scopes caught.
 */
function captureErrors<T>(gpu: GpuContext, work: () => T): { value: T; error: Promise<GPUError | null> } {
  gpu.throwIfFailed();
  const device = gpu.device;
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  let value: T;
  try {
    value = work();
  } catch (err) {
    // Keep the scope stack balanced; the thrown error is the one to report.
    device.popErrorScope().catch(() => {});
    device.popErrorScope().catch(() => {});
    throw err;
  }
  const oom = device.popErrorScope();
  const invalid = device.popErrorScope();
  return { value, error: Promise.all([oom, invalid]).then(([o, i]) => o ?? i) };
}

/** captureErrors, then throws what the scopes caught as a GpuError. */
async function checked<T>(gpu: GpuContext, what: string, work: () => T): Promise<T> {
  const { value, error } = captureErrors(gpu, work);
  const caught = await error;
  if (caught) throw new GpuError('validation', `${what}: ${caught.message}`);
  return value;
}

function checkDispatch<B extends string, U extends string>(
  spec: KernelSpec<B, U>,
  buffers: KernelBuffers<B>,
  uniforms: Record<U, number>,
  gpu: GpuContext,
): readonly [number, number, number] {
  const fail = (message: string) => new GpuError('invalid-use', `${spec.name}: ${message}`);
  for (const u of spec.uniforms) {
    const value = uniforms[u.name];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(`uniform '${u.name}' is ${value}`);
    if (u.type !== 'f32' && !Number.isInteger(value)) throw fail(`uniform '${u.name}' = ${value} is not an integer`);
    if (u.type === 'u32' && (value < 0 || value > 0xffffffff))
      throw fail(`uniform '${u.name}' = ${value} is out of u32 range`);
  }
  const maxBinding = gpu.adapter.limits.maxStorageBufferBindingSize;
  const alignment = gpu.adapter.limits.minStorageBufferOffsetAlignment;
  for (const b of spec.bindings) {
    const buffer = buffers[b.name];
    if (buffer === undefined) throw fail(`no buffer given for '${b.name}'`);
    const needed = b.bytes(uniforms);
    if (buffer === null) {
      if (!b.optional) throw fail(`'${b.name}' is required but null was given`);
      continue;
    }
    if (needed > maxBinding) {
      throw fail(`'${b.name}' needs ${needed} bytes; this adapter binds at most ${maxBinding} per buffer`);
    }
    const slice = resolveBinding(buffer);
    if (slice.offset % alignment !== 0 || slice.offset < 0) {
      throw fail(`'${b.name}' is bound at byte offset ${slice.offset}, not a multiple of ${alignment}`);
    }
    if (slice.offset + slice.size > slice.buffer.size) {
      throw fail(
        `'${b.name}' binds bytes ${slice.offset}..${slice.offset + slice.size} of a ${slice.buffer.size}-byte buffer`,
      );
    }
    if (slice.size < needed) {
      throw fail(
        `buffer '${b.name}' has ${slice.size} bytes but this call needs ${needed} (${needed / F32_BYTES} floats)`,
      );
    }
    if (!(slice.buffer.usage & GPUBufferUsage.STORAGE)) throw fail(`buffer '${b.name}' lacks STORAGE usage`);
  }
  const workgroups = spec.dispatch(uniforms);
  const maxGroups = gpu.adapter.limits.maxComputeWorkgroupsPerDimension;
  for (const n of workgroups) {
    if (!Number.isInteger(n) || n < 0) throw fail(`dispatch of [${workgroups.join(', ')}] workgroups is invalid`);
    if (n > maxGroups) {
      throw fail(`dispatch of [${workgroups.join(', ')}] workgroups exceeds this adapter's ${maxGroups} per dimension`);
    }
  }
  return workgroups;
}

/** Params struct bytes: 4-byte scalars in spec order. */
function packUniforms(spec: KernelSpec, uniforms: Record<string, number>): ArrayBuffer {
  const data = new ArrayBuffer(Math.ceil((spec.uniforms.length * 4) / 16) * 16);
  const view = new DataView(data);
  spec.uniforms.forEach((u, i) => {
    const value = uniforms[u.name] as number;
    if (u.type === 'u32') view.setUint32(i * 4, value, true);
    else if (u.type === 'i32') view.setInt32(i * 4, value, true);
    else view.setFloat32(i * 4, value, true);
  });
  return data;
}

/** `matmul_forward.wgsl:12:5: error: ...` followed by the line and a caret. */
function formatCompileErrors(spec: KernelSpec, messages: readonly GPUCompilationMessage[]): string {
  const lines = spec.wgsl.split('\n');
  return messages
    .map((m) => {
      const source = lines[m.lineNum - 1] ?? '';
      const caret = `${' '.repeat(Math.max(0, m.linePos - 1))}^`;
      return `${spec.name}.wgsl:${m.lineNum}:${m.linePos}: error: ${m.message}\n  ${source}\n  ${caret}`;
    })
    .join('\n');
}
