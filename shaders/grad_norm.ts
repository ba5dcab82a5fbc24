import { defineKernel, F32_BYTES } from '../client/gpu/kernel';
import type { KernelRunner, PreparedDispatch } from '../client/gpu/runner';
import finishWgsl from './grad_norm_finish.wgsl?raw';
import { GRAD_NORM_MAX_PARTIALS, GRAD_NORM_WORKGROUP, gradNormPartialCount } from './grad_norm_layout';
import partialsWgsl from './grad_norm_partials.wgsl?raw';

export { GRAD_NORM_MAX_PARTIALS, GRAD_NORM_WORKGROUP, gradNormPartialCount };

const WG = GRAD_NORM_WORKGROUP;

/** Spec of grad_norm_partials.wgsl: partials (G) of Σ grads² over a flat buffer of N. */
export const gradNormPartialsSpec = defineKernel({
  name: 'grad_norm_partials',
  wgsl: partialsWgsl,
  bindings: [
    { name: 'partials', access: 'read_write', bytes: (u) => gradNormPartialCount(u.N) * F32_BYTES },
    { name: 'grads', access: 'read', bytes: (u) => u.N * F32_BYTES },
  ],
  uniforms: [{ name: 'N', type: 'u32' }],
  workgroupSize: [WG, 1, 1],
  constants: { WG },
  dispatch: (u) => [gradNormPartialCount(u.N), 1, 1],
});

/** Spec of grad_norm_finish.wgsl: norm_scale (2) = [norm, clip scale] from the partials. */
export const gradNormFinishSpec = defineKernel({
  name: 'grad_norm_finish',
  wgsl: finishWgsl,
  bindings: [
    { name: 'norm_scale', access: 'read_write', bytes: () => 2 * F32_BYTES },
    { name: 'partials', access: 'read', bytes: (u) => u.num_partials * F32_BYTES },
  ],
  uniforms: [
    { name: 'num_partials', type: 'u32' },
    { name: 'max_norm', type: 'f32' },
  ],
  workgroupSize: [WG, 1, 1],
  constants: { WG },
  dispatch: () => [1, 1, 1],
});

export const gradNormSpecs = [gradNormPartialsSpec, gradNormFinishSpec];

/**
 * Both stages prepared, to submit in order (in one pass, or ahead of adamw in
 * a training step). `partials` needs gradNormPartialCount(N) floats, at most
 * 256; `normScale` 2. maxNorm <= 0 means no clipping (scale 1).
 */
export async function prepareGradNorm(
  runner: KernelRunner,
  normScale: GPUBuffer,
  partials: GPUBuffer,
  grads: GPUBuffer,
  N: number,
  maxNorm: number,
): Promise<PreparedDispatch[]> {
  if (N < 1) throw new RangeError(`grad_norm needs N >= 1 (got ${N})`);
  return [
    await runner.prepare(gradNormPartialsSpec, { partials, grads }, { N }),
    await runner.prepare(
      gradNormFinishSpec,
      { norm_scale: normScale, partials },
      { num_partials: gradNormPartialCount(N), max_norm: maxNorm },
    ),
  ];
}

/** GPU launcher; same signature as gradNormCpu with buffers for arrays. */
export async function gradNorm(
  runner: KernelRunner,
  normScale: GPUBuffer,
  partials: GPUBuffer,
  grads: GPUBuffer,
  N: number,
  maxNorm: number,
): Promise<void> {
  const dispatches = await prepareGradNorm(runner, normScale, partials, grads, N, maxNorm);
  try {
    await runner.submit(dispatches);
  } finally {
    for (const d of dispatches) d.uniformBuffer?.destroy();
  }
}
