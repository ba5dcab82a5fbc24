import { encoderBucketSlots } from '../../shaders/encoder_buckets';
import { gradNormPartialCount } from '../../shaders/grad_norm';
import { layernormScratchFloats } from '../../shaders/layernorm';
import { createStorageBuffer } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import type { GptConfig } from './gpt-config';

/**
 * Every GPU buffer a GPT needs for batches of B sequences of T tokens,
 * allocated once from the config (llm.c's fill_in_activation_sizes): the
 * training step allocates nothing. Shapes in comments; BT = B·T.
 */

export interface BlockBuffers {
  ln1: GPUBuffer; // (BT, C)
  ln1Mean: GPUBuffer; // (BT)
  ln1Rstd: GPUBuffer; // (BT)
  qkv: GPUBuffer; // (BT, 3C)
  atty: GPUBuffer; // (BT, C) attention output, heads concatenated
  attStats: GPUBuffer; // (B, NH, T) logsumexp per score row
  attproj: GPUBuffer; // (BT, C)
  residual2: GPUBuffer; // (BT, C)
  ln2: GPUBuffer; // (BT, C)
  ln2Mean: GPUBuffer; // (BT)
  ln2Rstd: GPUBuffer; // (BT)
  fch: GPUBuffer; // (BT, 4C)
  fchGelu: GPUBuffer; // (BT, 4C)
  fcproj: GPUBuffer; // (BT, C)
  residual3: GPUBuffer; // (BT, C)
}

/** Gradients of activations: scratch reused by every block on the way back. */
export interface BackwardBuffers {
  dlogits: GPUBuffer; // (BT, V)
  dlosses: GPUBuffer; // (BT), each 1/BT: the mean loss's gradient
  dresidual: GPUBuffer; // (BT, C) gradient of the residual stream
  dtmp: GPUBuffer; // (BT, C) a layernorm's dinp before it joins dresidual
  dln: GPUBuffer; // (BT, C) gradient into a layernorm's output, or into atty
  dfch: GPUBuffer; // (BT, 4C)
  dfchGelu: GPUBuffer; // (BT, 4C)
  dqkv: GPUBuffer; // (BT, 3C)
  dsum: GPUBuffer; // (B, NH, T) attention backward's scratch
  lnScratch: GPUBuffer; // layernorm parameter-gradient partial sums
  buckets: GPUBuffer; // encoder backward: (min(BT, V), 3) token, start, end
  positions: GPUBuffer; // (BT) positions grouped by token
  gradNormPartials: GPUBuffer; // partial sums of squares
  normScale: GPUBuffer; // (2) [global grad norm, clip scale]
}

export interface GptBuffers {
  inputs: GPUBuffer; // (BT) u32
  targets: GPUBuffer; // (BT) u32
  encoded: GPUBuffer; // (BT, C)
  blocks: BlockBuffers[];
  lnf: GPUBuffer; // (BT, C)
  lnfMean: GPUBuffer; // (BT)
  lnfRstd: GPUBuffer; // (BT)
  logits: GPUBuffer; // (BT, V)
  losses: GPUBuffer; // (BT)
  backward: BackwardBuffers | null;
  /** Bytes allocated, for the UI and the bench. */
  bytes: number;
  destroy(): void;
}

export function allocateGptBuffers(
  gpu: GpuContext,
  config: GptConfig,
  B: number,
  T: number,
  paramFloats: number,
  training: boolean,
): GptBuffers {
  const { channels: C, heads: NH, vocabSize: V, layers: L } = config;
  const BT = B * T;
  const all: GPUBuffer[] = [];
  let bytes = 0;
  const buffer = (label: string, floats: number) => {
    const b = createStorageBuffer(gpu, label, floats);
    all.push(b);
    bytes += b.size;
    return b;
  };
  const blocks: BlockBuffers[] = [];
  for (let l = 0; l < L; l++) {
    const n = (name: string) => `h.${l}.${name}`;
    blocks.push({
      ln1: buffer(n('ln1'), BT * C),
      ln1Mean: buffer(n('ln1Mean'), BT),
      ln1Rstd: buffer(n('ln1Rstd'), BT),
      qkv: buffer(n('qkv'), BT * 3 * C),
      atty: buffer(n('atty'), BT * C),
      attStats: buffer(n('attStats'), B * NH * T),
      attproj: buffer(n('attproj'), BT * C),
      residual2: buffer(n('residual2'), BT * C),
      ln2: buffer(n('ln2'), BT * C),
      ln2Mean: buffer(n('ln2Mean'), BT),
      ln2Rstd: buffer(n('ln2Rstd'), BT),
      fch: buffer(n('fch'), BT * 4 * C),
      fchGelu: buffer(n('fchGelu'), BT * 4 * C),
      fcproj: buffer(n('fcproj'), BT * C),
      residual3: buffer(n('residual3'), BT * C),
    });
  }
  const backward: BackwardBuffers | null = training
    ? {
        dlogits: buffer('dlogits', BT * V),
        dlosses: buffer('dlosses', BT),
        dresidual: buffer('dresidual', BT * C),
        dtmp: buffer('dtmp', BT * C),
        dln: buffer('dln', BT * C),
        dfch: buffer('dfch', BT * 4 * C),
        dfchGelu: buffer('dfchGelu', BT * 4 * C),
        dqkv: buffer('dqkv', BT * 3 * C),
        dsum: buffer('dsum', B * NH * T),
        lnScratch: buffer('lnScratch', layernormScratchFloats(BT, C)),
        buckets: buffer('buckets', encoderBucketSlots(BT, V) * 3),
        positions: buffer('positions', BT),
        gradNormPartials: buffer('gradNormPartials', gradNormPartialCount(paramFloats)),
        normScale: buffer('normScale', 2),
      }
    : null;
  return {
    inputs: buffer('inputs', BT),
    targets: buffer('targets', BT),
    encoded: buffer('encoded', BT * C),
    blocks,
    lnf: buffer('lnf', BT * C),
    lnfMean: buffer('lnfMean', BT),
    lnfRstd: buffer('lnfRstd', BT),
    logits: buffer('logits', BT * V),
    losses: buffer('losses', BT),
    backward,
    bytes,
    destroy: () => {
      for (const b of all) b.destroy();
    },
  };
}
