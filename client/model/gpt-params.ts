import { seededRandom } from '../numerics/random';
import type { GptConfig } from './gpt-config';

/**
 * Where every parameter tensor of a GPT lives in one flat f32 buffer.
 * One buffer means one AdamW dispatch and one gradient-norm reduction over
 * all parameters; each tensor starts at a multiple of 64 floats (256 bytes,
 * WebGPU's minStorageBufferOffsetAlignment) so it can be bound on its own.
 */

export interface ParamTensor {
  /** e.g. 'wte', 'h.0.attn.qkv.w', 'lnf.b'. */
  name: string;
  shape: number[];
  /** Offset in floats from the start of the flat buffer. */
  offset: number;
  /** Number of floats. */
  size: number;
  /** How it is initialised (GPT-2): normal(0, std), ones, or zeros. */
  init: { kind: 'normal'; std: number } | { kind: 'ones' } | { kind: 'zeros' };
}

export interface ParamLayout {
  tensors: ParamTensor[];
  byName: Map<string, ParamTensor>;
  /** Floats in the flat buffer, padding included. */
  totalFloats: number;
  /** Parameters without padding (what people call the model's size). */
  parameterCount: number;
}

/** Tensor offsets are multiples of this many floats (256 bytes). */
export const PARAM_ALIGN_FLOATS = 64;

/** Names of block l's tensors, in layout order. */
export function blockParamNames(l: number) {
  const p = `h.${l}`;
  return {
    ln1w: `${p}.ln1.w`,
    ln1b: `${p}.ln1.b`,
    qkvw: `${p}.attn.qkv.w`,
    qkvb: `${p}.attn.qkv.b`,
    attprojw: `${p}.attn.proj.w`,
    attprojb: `${p}.attn.proj.b`,
    ln2w: `${p}.ln2.w`,
    ln2b: `${p}.ln2.b`,
    fcw: `${p}.mlp.fc.w`,
    fcb: `${p}.mlp.fc.b`,
    fcprojw: `${p}.mlp.proj.w`,
    fcprojb: `${p}.mlp.proj.b`,
  };
}

export function gptParamLayout(config: GptConfig): ParamLayout {
  const { vocabSize: V, contextLength: maxT, layers: L, channels: C } = config;
  const std = 0.02;
  // GPT-2 scales the init of projections into the residual stream by 1/sqrt(2L).
  const residualStd = 0.02 / Math.sqrt(2 * L);
  const specs: Omit<ParamTensor, 'offset' | 'size'>[] = [
    { name: 'wte', shape: [V, C], init: { kind: 'normal', std } },
    { name: 'wpe', shape: [maxT, C], init: { kind: 'normal', std: 0.01 } },
  ];
  for (let l = 0; l < L; l++) {
    const n = blockParamNames(l);
    specs.push(
      { name: n.ln1w, shape: [C], init: { kind: 'ones' } },
      { name: n.ln1b, shape: [C], init: { kind: 'zeros' } },
      { name: n.qkvw, shape: [3 * C, C], init: { kind: 'normal', std } },
      { name: n.qkvb, shape: [3 * C], init: { kind: 'zeros' } },
      { name: n.attprojw, shape: [C, C], init: { kind: 'normal', std: residualStd } },
      { name: n.attprojb, shape: [C], init: { kind: 'zeros' } },
      { name: n.ln2w, shape: [C], init: { kind: 'ones' } },
      { name: n.ln2b, shape: [C], init: { kind: 'zeros' } },
      { name: n.fcw, shape: [4 * C, C], init: { kind: 'normal', std } },
      { name: n.fcb, shape: [4 * C], init: { kind: 'zeros' } },
      { name: n.fcprojw, shape: [C, 4 * C], init: { kind: 'normal', std: residualStd } },
      { name: n.fcprojb, shape: [C], init: { kind: 'zeros' } },
    );
  }
  specs.push(
    { name: 'lnf.w', shape: [C], init: { kind: 'ones' } },
    { name: 'lnf.b', shape: [C], init: { kind: 'zeros' } },
  );

  const tensors: ParamTensor[] = [];
  let offset = 0;
  let parameterCount = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    tensors.push({ ...spec, offset, size });
    parameterCount += size;
    offset += Math.ceil(size / PARAM_ALIGN_FLOATS) * PARAM_ALIGN_FLOATS;
  }
  return { tensors, byName: new Map(tensors.map((t) => [t.name, t])), totalFloats: offset, parameterCount };
}

/** A tensor's floats inside the flat array (a view, not a copy). */
export function paramView(flat: Float32Array, tensor: ParamTensor): Float32Array;
export function paramView(flat: Float64Array, tensor: ParamTensor): Float64Array;
export function paramView(flat: Float32Array | Float64Array, tensor: ParamTensor): Float32Array | Float64Array {
  return flat.subarray(tensor.offset, tensor.offset + tensor.size);
}

/** GPT-2 initialisation from a seed; padding stays zero. Same numbers in every JS runtime. */
export function initGptParams(layout: ParamLayout, seed: number): Float32Array {
  const flat = new Float32Array(layout.totalFloats);
  const uniform = seededRandom(seed);
  // Box-Muller; uniform() is in [0, 1), so 1 - u is in (0, 1] and the log is finite.
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  for (const t of layout.tensors) {
    const view = paramView(flat, t);
    if (t.init.kind === 'ones') view.fill(1);
    else if (t.init.kind === 'normal') for (let i = 0; i < t.size; i++) view[i] = normal() * t.init.std;
  }
  return flat;
}
