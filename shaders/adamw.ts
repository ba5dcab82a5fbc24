import { defineKernel, F32_BYTES } from '../client/gpu/kernel';
import type { KernelRunner } from '../client/gpu/runner';
import { type AdamWSettings, biasCorrections } from './adamw.reference';
import wgsl from './adamw.wgsl?raw';
import { elementGrid } from './elementwise_grid';

/** Spec of adamw.wgsl: one AdamW step over flat buffers of N floats. */
export const adamwSpec = defineKernel({
  name: 'adamw',
  wgsl,
  bindings: [
    { name: 'params_memory', access: 'read_write', bytes: (u) => u.N * F32_BYTES },
    { name: 'grads_memory', access: 'read', bytes: (u) => u.N * F32_BYTES },
    { name: 'm_memory', access: 'read_write', bytes: (u) => u.N * F32_BYTES },
    { name: 'v_memory', access: 'read_write', bytes: (u) => u.N * F32_BYTES },
    // grad_norm's [norm, clip scale]; null for no clipping.
    { name: 'norm_scale', access: 'read', bytes: () => 2 * F32_BYTES, optional: true },
  ],
  uniforms: [
    { name: 'learning_rate', type: 'f32' },
    { name: 'beta1', type: 'f32' },
    { name: 'beta2', type: 'f32' },
    { name: 'beta1_correction', type: 'f32' },
    { name: 'beta2_correction', type: 'f32' },
    { name: 'eps', type: 'f32' },
    { name: 'weight_decay', type: 'f32' },
    { name: 'N', type: 'u32' },
    { name: 'has_norm_scale', type: 'u32' },
  ],
  workgroupSize: [256, 1, 1],
  // 256 elements per workgroup, folded into y past 65535 (adamw.wgsl: wid.y · nwg.x + wid.x).
  dispatch: (u) => elementGrid(u.N, 256),
});

export const adamwSpecs = [adamwSpec];

/**
 * adamw.wgsl's uniforms for step t (1-based). The bias corrections are
 * computed here in float64 and rounded to f32 once by the uniform upload;
 * a trainer keeps one prepared dispatch and calls runner.setUniforms with
 * this each step (learning-rate schedules change only these numbers).
 */
export function adamwUniforms(N: number, s: AdamWSettings, t: number, hasNormScale: boolean) {
  const { beta1Correction, beta2Correction } = biasCorrections(s, t);
  return {
    learning_rate: s.learningRate,
    beta1: s.beta1,
    beta2: s.beta2,
    beta1_correction: beta1Correction,
    beta2_correction: beta2Correction,
    eps: s.eps,
    weight_decay: s.weightDecay,
    N,
    has_norm_scale: hasNormScale ? 1 : 0,
  };
}

/** GPU launcher; same signature as adamwCpu with buffers for arrays. */
export function adamw(
  runner: KernelRunner,
  paramsMemory: GPUBuffer,
  gradsMemory: GPUBuffer,
  mMemory: GPUBuffer,
  vMemory: GPUBuffer,
  normScale: GPUBuffer | null,
  N: number,
  s: AdamWSettings,
  t: number,
): Promise<void> {
  return runner.run(
    adamwSpec,
    {
      params_memory: paramsMemory,
      grads_memory: gradsMemory,
      m_memory: mMemory,
      v_memory: vMemory,
      norm_scale: normScale,
    },
    adamwUniforms(N, s, t, normScale !== null),
  );
}
